<?xml version="1.0" encoding="UTF-8"?>
<!--
  The citizens' status page (GET /status, GET /status/{number}, POST
  /status).  Its document: <page number="as typed" code-given="1"
  error="code" minutes="N"> around the <status> that GET
  /api/v1/talons/{number} returns (absent on the form and on an error).
  No script and no inline style: the Content-Security-Policy forbids both.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="st" select="/page/status[not(/page/@error)]"/>
<!-- The errors the page explains; any other is "internal". -->
<xsl:variable name="errors" select="' bad-check-digit malformed-talon-number missing-talon-number talon-not-found wrong-access-code too-many-lookups '"/>
<xsl:variable name="error">
  <xsl:choose>
    <xsl:when test="not(/page/@error)"/>
    <xsl:when test="contains($errors, concat(' ', /page/@error, ' '))"><xsl:value-of select="/page/@error"/></xsl:when>
    <xsl:otherwise>internal</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="number-error" select="contains(' bad-check-digit malformed-talon-number missing-talon-number talon-not-found ', concat(' ', $error, ' '))"/>
<xsl:variable name="code-error" select="$error = 'wrong-access-code'"/>
<xsl:variable name="shown">
  <xsl:choose>
    <xsl:when test="$st"><xsl:value-of select="$st/number"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="/page/@number"/></xsl:otherwise>
  </xsl:choose>
</xsl:variable>

<xsl:template match="/">
  <xsl:call-template name="doctype"/>
  <html lang="{$lang}" dir="ltr">
  <head>
  <meta charset="utf-8"/>
  <meta name="viewport" content="width=device-width, initial-scale=1"/>
  <meta name="color-scheme" content="light dark"/>
  <meta name="robots" content="noindex"/>
  <title>
    <xsl:choose>
      <xsl:when test="$st">
        <xsl:call-template name="tf">
          <xsl:with-param name="k" select="'page.status'"/>
          <xsl:with-param name="n1" select="'number'"/><xsl:with-param name="v1" select="$shown"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$error != ''">
        <xsl:call-template name="t"><xsl:with-param name="k" select="'page.error'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="t"><xsl:with-param name="k" select="'page.form'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </title>
  <link rel="stylesheet" href="/status.css"/>
  </head>
  <body>
  <header class="top">
  <nav class="langs">
    <xsl:attribute name="aria-label"><xsl:call-template name="t"><xsl:with-param name="k" select="'lang.switch'"/></xsl:call-template></xsl:attribute>
    <ul>
      <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'kk'"/></xsl:call-template>
      <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'ru'"/></xsl:call-template>
      <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'en'"/></xsl:call-template>
    </ul>
  </nav>
  <p class="org"><xsl:call-template name="t"><xsl:with-param name="k" select="'site.org'"/></xsl:call-template></p>
  </header>
  <main>
  <h1><xsl:call-template name="t"><xsl:with-param name="k" select="'site.title'"/></xsl:call-template></h1>
  <xsl:if test="$error != ''"><xsl:call-template name="error"/></xsl:if>
  <xsl:apply-templates select="$st"/>
  <form class="lookup" method="post" action="/status">
  <h2><xsl:call-template name="t"><xsl:with-param name="k" select="'form.heading'"/></xsl:call-template></h2>
  <input type="hidden" name="lang" value="{$lang}"/>
  <div class="field">
  <label for="number"><xsl:call-template name="t"><xsl:with-param name="k" select="'form.number'"/></xsl:call-template></label>
  <p class="hint" id="number-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'form.number.hint'"/></xsl:call-template></p>
  <input id="number" name="number" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" pattern="[0-9\- ]{{14,24}}" maxlength="24" required="">
    <xsl:attribute name="aria-describedby"><xsl:if test="$number-error">error </xsl:if>number-hint</xsl:attribute>
    <xsl:attribute name="value"><xsl:value-of select="$shown"/></xsl:attribute>
    <xsl:if test="$number-error"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
  </input>
  </div>
  <div class="field">
  <label for="code"><xsl:call-template name="t"><xsl:with-param name="k" select="'form.code'"/></xsl:call-template></label>
  <p class="hint" id="code-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'form.code.hint'"/></xsl:call-template></p>
  <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16">
    <xsl:attribute name="aria-describedby"><xsl:if test="$code-error">error </xsl:if>code-hint</xsl:attribute>
    <xsl:if test="$code-error"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
  </input>
  </div>
  <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'form.submit'"/></xsl:call-template></button>
  </form>
  </main>
  <footer>
  <p><xsl:call-template name="t"><xsl:with-param name="k" select="'site.privacy'"/></xsl:call-template></p>
  </footer>
  </body>
  </html>
</xsl:template>

<!-- A link to this page in another language: the number goes, never the code. -->
<xsl:template name="lang-link">
  <xsl:param name="code"/>
  <li><a hreflang="{$code}" lang="{$code}">
    <xsl:attribute name="href">
      <xsl:choose>
        <xsl:when test="$st">/status/<xsl:value-of select="$st/number"/>?lang=<xsl:value-of select="$code"/></xsl:when>
        <xsl:otherwise>/status?lang=<xsl:value-of select="$code"/></xsl:otherwise>
      </xsl:choose>
    </xsl:attribute>
    <xsl:if test="$code = $lang"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
    <xsl:call-template name="t">
      <xsl:with-param name="k" select="'lang.name'"/>
      <xsl:with-param name="in" select="$code"/>
    </xsl:call-template>
  </a></li>
</xsl:template>

<xsl:template name="error">
  <div class="message error" id="error" role="alert">
  <h2>
    <xsl:call-template name="tf">
      <xsl:with-param name="k" select="concat('error.', $error, '.title')"/>
      <xsl:with-param name="n1" select="'number'"/><xsl:with-param name="v1" select="string(/page/@number)"/>
      <xsl:with-param name="n2" select="'minutes'"/><xsl:with-param name="v2" select="string(/page/@minutes)"/>
    </xsl:call-template>
  </h2>
  <p>
    <xsl:call-template name="tf">
      <xsl:with-param name="k" select="concat('error.', $error, '.text')"/>
      <xsl:with-param name="n1" select="'number'"/><xsl:with-param name="v1" select="string(/page/@number)"/>
      <xsl:with-param name="n2" select="'minutes'"/><xsl:with-param name="v2" select="string(/page/@minutes)"/>
    </xsl:call-template>
  </p>
  </div>
</xsl:template>

<xsl:template name="state">
  <xsl:param name="s"/>
  <xsl:call-template name="t"><xsl:with-param name="k" select="concat('state.', $s)"/></xsl:call-template>
</xsl:template>

<xsl:template match="status">
  <section class="status" aria-labelledby="status-heading">
  <h2 id="status-heading">
    <xsl:call-template name="tf">
      <xsl:with-param name="k" select="'status.heading'"/>
      <xsl:with-param name="n1" select="'number'"/><xsl:with-param name="v1" select="string(number)"/>
    </xsl:call-template>
  </h2>
  <p class="state state-{state}" id="state"><xsl:call-template name="state"><xsl:with-param name="s" select="state"/></xsl:call-template></p>
  <p class="note"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('state.', state, '.note')"/></xsl:call-template></p>
  <dl class="facts">
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.body'"/></xsl:call-template></dt>
  <dd>
    <xsl:choose>
      <xsl:when test="$lang != 'kk' and string(body/@name-ru) != ''"><xsl:value-of select="body/@name-ru"/></xsl:when>
      <xsl:when test="string(body) != ''"><xsl:value-of select="body"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="body/@code"/></xsl:otherwise>
    </xsl:choose>
  </dd></div>
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.accepted'"/></xsl:call-template></dt>
  <dd><time datetime="{accepted-at}"><xsl:call-template name="datetime"><xsl:with-param name="at" select="accepted-at"/></xsl:call-template></time></dd></div>
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.due'"/></xsl:call-template></dt>
  <dd><time datetime="{due}"><xsl:call-template name="date"><xsl:with-param name="iso" select="due"/></xsl:call-template></time>
    <xsl:if test="contains(' registered in-review extended decided ', concat(' ', state, ' '))">
      <xsl:text> </xsl:text>
      <xsl:choose>
        <xsl:when test="overdue = 'true'"><strong class="overdue">(<xsl:call-template name="t"><xsl:with-param name="k" select="'status.overdue'"/></xsl:call-template>)</strong></xsl:when>
        <xsl:otherwise><span class="ontime">(<xsl:call-template name="t"><xsl:with-param name="k" select="'status.on-time'"/></xsl:call-template>)</span></xsl:otherwise>
      </xsl:choose>
    </xsl:if>
  </dd></div>
  </dl>
  <xsl:apply-templates select="handled-by"/>
  <xsl:apply-templates select="case[talon]"/>
  <xsl:choose>
    <xsl:when test="not(/page/@code-given)">
      <p class="hint code-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'status.code-hint'"/></xsl:call-template></p>
    </xsl:when>
    <xsl:when test="decision"><xsl:apply-templates select="decision"/></xsl:when>
    <xsl:otherwise>
      <section class="decision" id="decision" aria-labelledby="decision-heading">
      <h3 id="decision-heading"><xsl:call-template name="t"><xsl:with-param name="k" select="'status.decision'"/></xsl:call-template></h3>
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'status.no-decision'"/></xsl:call-template></p>
      </section>
    </xsl:otherwise>
  </xsl:choose>
  </section>
</xsl:template>

<xsl:template match="handled-by">
  <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'status.now-handled'"/></xsl:call-template></h3>
  <dl class="facts">
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.handler-body'"/></xsl:call-template></dt>
  <dd>
    <xsl:choose>
      <xsl:when test="string(body-ref) != ''"><xsl:value-of select="body-ref"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="body-ref/@code"/></xsl:otherwise>
    </xsl:choose>
  </dd></div>
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.state'"/></xsl:call-template></dt>
  <dd><xsl:call-template name="state"><xsl:with-param name="s" select="state"/></xsl:call-template></dd></div>
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.due'"/></xsl:call-template></dt>
  <dd><time datetime="{due}"><xsl:call-template name="date"><xsl:with-param name="iso" select="due"/></xsl:call-template></time></dd></div>
  </dl>
</xsl:template>

<xsl:template match="case">
  <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'status.case'"/></xsl:call-template></h3>
  <ul class="case">
  <xsl:for-each select="talon">
    <li>
      <xsl:call-template name="t">
        <xsl:with-param name="k">
          <xsl:choose>
            <xsl:when test="string(@link) != ''">link.<xsl:value-of select="@link"/></xsl:when>
            <xsl:otherwise>link.root</xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:text>: </xsl:text>
      <a href="/status/{@number}?lang={$lang}"><xsl:value-of select="@number"/></a>
      <xsl:text>, </xsl:text><xsl:value-of select="@body"/><xsl:text>: </xsl:text>
      <xsl:call-template name="state"><xsl:with-param name="s" select="@state"/></xsl:call-template>
    </li>
  </xsl:for-each>
  </ul>
</xsl:template>

<xsl:template match="decision">
  <section class="decision" id="decision" aria-labelledby="decision-heading">
  <h3 id="decision-heading"><xsl:call-template name="t"><xsl:with-param name="k" select="'status.decision'"/></xsl:call-template></h3>
  <dl class="facts">
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.outcome'"/></xsl:call-template></dt>
  <dd class="outcome outcome-{outcome}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('outcome.', outcome)"/></xsl:call-template></dd></div>
  <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.decided-on'"/></xsl:call-template></dt>
  <dd><time datetime="{decided-on}"><xsl:call-template name="date"><xsl:with-param name="iso" select="decided-on"/></xsl:call-template></time></dd></div>
  <xsl:if test="answered-on">
    <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'status.answered-on'"/></xsl:call-template></dt>
    <dd><time datetime="{answered-on}"><xsl:call-template name="date"><xsl:with-param name="iso" select="answered-on"/></xsl:call-template></time>, <xsl:call-template name="t"><xsl:with-param name="k" select="concat('channel.', answer-channel)"/></xsl:call-template></dd></div>
  </xsl:if>
  </dl>
  </section>
</xsl:template>

</xsl:stylesheet>

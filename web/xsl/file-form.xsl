<?xml version="1.0" encoding="UTF-8"?>
<!--
  The citizens' filing form (GET and POST /file, daemon/route_file.c),
  in steps that need no script: the service, the institution (a search
  that is a plain GET form), the complaint; or, for a service whose
  regulation takes no electronic complaint, where to write or go.  Its
  document:

    <file step="service|institution|form|paper|sent" csrf=".." service="N" q="..">
      <services><service code="N" electronic="true"><channel type=".."/>..</service>..</services>
      <found><directory-result><entry code="..">..</entry>..</directory-result></found>
      <institution><directory-result><entry>..</entry></directory-result></institution>
      <where><directory-result><entry>..</entry></directory-result></where>
      <form><field name="surname">as typed</field>..</form>
      <field-error name="surname" code="required"/>..
      <error code=".." status="..">..</error>
      <draft-accepted><email>..</email><expires-at>..</expires-at></draft-accepted>
    </file>

  No script and no inline style, under the status page's CSP and look.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">
<xsl:import href="common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="f" select="/file"/>
<xsl:variable name="step" select="string(/file/@step)"/>
<xsl:variable name="svc" select="string(/file/@service)"/>
<xsl:variable name="inst" select="/file/institution/directory-result/entry[1]"/>
<xsl:variable name="where" select="/file/where/directory-result/entry[1]"/>
<!-- The page-level errors the page explains; any other is "other". -->
<xsl:variable name="errors" select="' too-many-drafts drafts-full busy mail-queue-full filing-unavailable bad-csrf-token bad-form no-institution not-electronic unknown-institution no-route too-many-lookups '"/>
<xsl:variable name="error">
  <xsl:choose>
    <xsl:when test="not($f/error)"/>
    <xsl:when test="contains($errors, concat(' ', $f/error/@code, ' '))"><xsl:value-of select="$f/error/@code"/></xsl:when>
    <xsl:otherwise>other</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="qs">
  <xsl:if test="$svc != ''">&amp;service=<xsl:value-of select="$svc"/></xsl:if>
  <xsl:if test="$inst">&amp;institution=<xsl:value-of select="$inst/@code"/></xsl:if>
</xsl:variable>

<xsl:template match="/">
  <xsl:variable name="title">
    <xsl:call-template name="t"><xsl:with-param name="k" select="concat('filing.', $step, '.title')"/></xsl:call-template>
  </xsl:variable>
  <xsl:call-template name="doctype"/>
  <html lang="{$lang}" dir="ltr">
  <head>
  <meta charset="utf-8"/>
  <meta name="viewport" content="width=device-width, initial-scale=1"/>
  <meta name="color-scheme" content="light dark"/>
  <meta name="robots" content="noindex"/>
  <title><xsl:value-of select="$title"/></title>
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
  <h1><xsl:value-of select="$title"/></h1>
  <xsl:if test="$error != '' or $f/field-error">
    <div class="message error" role="alert" id="error">
      <xsl:if test="$error != ''">
        <p><xsl:call-template name="t"><xsl:with-param name="k" select="concat('filing.error.', $error)"/></xsl:call-template></p>
      </xsl:if>
      <xsl:if test="$f/field-error">
        <p><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.error.fields'"/></xsl:call-template></p>
        <ul>
          <xsl:for-each select="$f/field-error">
            <li><a href="#{@name}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('filing.f.', @name)"/></xsl:call-template></a></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </div>
  </xsl:if>
  <xsl:choose>
    <xsl:when test="$step = 'sent'"><xsl:call-template name="sent"/></xsl:when>
    <xsl:when test="$step = 'service'"><xsl:call-template name="services"/></xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="chosen"/>
      <xsl:choose>
        <xsl:when test="$step = 'institution'"><xsl:call-template name="search"/></xsl:when>
        <xsl:when test="$step = 'paper'"><xsl:call-template name="paper"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="form"/></xsl:otherwise>
      </xsl:choose>
    </xsl:otherwise>
  </xsl:choose>
  </main>
  <footer>
  <p><a href="/status?lang={$lang}"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.status.link'"/></xsl:call-template></a></p>
  </footer>
  </body>
  </html>
</xsl:template>

<!-- Step 1: the services, electronic ones to choose, the others to read. -->
<xsl:template name="services">
  <p><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.intro'"/></xsl:call-template></p>
  <form class="lookup" method="get" action="/file">
    <input type="hidden" name="lang" value="{$lang}"/>
    <fieldset>
      <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.service.electronic'"/></xsl:call-template></legend>
      <xsl:for-each select="$f/services/service[@electronic = 'true']">
        <div class="choice">
          <input type="radio" name="service" id="service-{@code}" value="{@code}" required="">
            <xsl:if test="position() = 1"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <label for="service-{@code}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('service.', @code)"/></xsl:call-template></label>
        </div>
      </xsl:for-each>
    </fieldset>
    <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.next'"/></xsl:call-template></button>
  </form>
  <section class="paper">
    <h2><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.service.paper'"/></xsl:call-template></h2>
    <ul class="choices">
      <xsl:for-each select="$f/services/service[@electronic != 'true']">
        <li>
          <a href="/file?lang={$lang}&amp;service={@code}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('service.', @code)"/></xsl:call-template></a>
          <xsl:text>: </xsl:text>
          <xsl:call-template name="channels"/>
        </li>
      </xsl:for-each>
    </ul>
    <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.service.paper.hint'"/></xsl:call-template></p>
  </section>
</xsl:template>

<xsl:template name="channels">
  <xsl:for-each select="channel">
    <xsl:if test="position() &gt; 1">, </xsl:if>
    <xsl:call-template name="t"><xsl:with-param name="k" select="concat('channel.', @type, substring('.form', 1, 5 * (@type = 'post' or @type = 'in-person')))"/></xsl:call-template>
  </xsl:for-each>
</xsl:template>

<!-- What has been chosen so far, each with a link to change it. -->
<xsl:template name="chosen">
  <dl class="facts">
    <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.chosen.service'"/></xsl:call-template></dt>
      <dd><span id="chosen-service"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('service.', $svc)"/></xsl:call-template></span>
        <xsl:text> </xsl:text>
        <a href="/file?lang={$lang}"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.change'"/></xsl:call-template></a></dd></div>
    <xsl:if test="$inst">
      <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.chosen.institution'"/></xsl:call-template></dt>
        <dd><span id="chosen-institution"><xsl:apply-templates select="$inst" mode="name"/></span>
          <xsl:text> </xsl:text>
          <a href="/file?lang={$lang}&amp;service={$svc}"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.change'"/></xsl:call-template></a></dd></div>
    </xsl:if>
  </dl>
</xsl:template>

<!-- A directory entry's name in the page's language. -->
<xsl:template match="entry" mode="name">
  <xsl:choose>
    <xsl:when test="$lang != 'kk' and name-ru"><xsl:value-of select="name-ru"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="name"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- Step 2: the institution, by part of its name or number. -->
<xsl:template name="search">
  <xsl:variable name="err" select="$f/field-error[@name = 'q']"/>
  <form class="lookup" method="get" action="/file" role="search">
    <input type="hidden" name="lang" value="{$lang}"/>
    <input type="hidden" name="service" value="{$svc}"/>
    <div class="field">
      <label for="q"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.f.q'"/></xsl:call-template></label>
      <p class="hint" id="q-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.h.q'"/></xsl:call-template></p>
      <xsl:call-template name="field-error"><xsl:with-param name="name" select="'q'"/></xsl:call-template>
      <input id="q" name="q" type="text" maxlength="200" required="" autocomplete="off" value="{$f/@q}">
        <xsl:attribute name="aria-describedby"><xsl:if test="$err">q-error </xsl:if>q-hint</xsl:attribute>
        <xsl:if test="$err"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
      </input>
    </div>
    <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.search'"/></xsl:call-template></button>
  </form>
  <xsl:if test="$f/found">
    <section class="found" aria-labelledby="found-heading">
      <h2 id="found-heading"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.found'"/></xsl:call-template></h2>
      <xsl:choose>
        <xsl:when test="$f/found/directory-result/entry">
          <ul class="choices" id="found">
            <xsl:for-each select="$f/found/directory-result/entry">
              <li><a href="/file?lang={$lang}&amp;service={$svc}&amp;institution={@code}"><xsl:apply-templates select="." mode="name"/></a>
                <xsl:if test="address"><br/><span class="hint"><xsl:value-of select="address"/></span></xsl:if></li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p id="found"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.found.none'"/></xsl:call-template></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:if>
</xsl:template>

<!-- A service without the electronic channel: where to write or go. -->
<xsl:template name="paper">
  <section class="status" id="paper">
    <h2><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.heading'"/></xsl:call-template></h2>
    <p>
      <xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.text'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:for-each select="$f/services/service[@code = $svc]"><xsl:call-template name="channels"/></xsl:for-each>
    </p>
    <dl class="facts">
      <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.body'"/></xsl:call-template></dt>
        <dd id="where-body"><xsl:apply-templates select="$where" mode="name"/></dd></div>
      <xsl:if test="$where/address">
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.address'"/></xsl:call-template></dt>
          <dd id="where-address"><xsl:value-of select="$where/address"/></dd></div>
      </xsl:if>
      <xsl:if test="$where/phones">
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.phones'"/></xsl:call-template></dt>
          <dd><xsl:value-of select="$where/phones"/></dd></div>
      </xsl:if>
      <xsl:if test="$where/schedule">
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.schedule'"/></xsl:call-template></dt>
          <dd><xsl:value-of select="$where/schedule"/></dd></div>
      </xsl:if>
    </dl>
    <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.paper.what'"/></xsl:call-template></p>
  </section>
</xsl:template>

<!-- The error beside a field, with the id its input names. -->
<xsl:template name="field-error">
  <xsl:param name="name"/>
  <xsl:variable name="err" select="$f/field-error[@name = $name]"/>
  <xsl:if test="$err">
    <p class="field-error" id="{$name}-error">
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('filing.err.', $err/@code)"/></xsl:call-template>
    </p>
  </xsl:if>
</xsl:template>

<!-- One field of the form, its value as typed and its error. -->
<xsl:template name="input">
  <xsl:param name="name"/>
  <xsl:param name="type" select="'text'"/>
  <xsl:param name="required" select="true()"/>
  <xsl:param name="auto" select="'off'"/>
  <xsl:param name="max" select="500"/>
  <xsl:variable name="err" select="$f/field-error[@name = $name]"/>
  <xsl:variable name="hint" select="concat('filing.h.', $name)"/>
  <div class="field">
    <label for="{$name}">
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('filing.f.', $name)"/></xsl:call-template>
      <xsl:if test="not($required)"><xsl:text> </xsl:text><span class="optional"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.optional'"/></xsl:call-template></span></xsl:if>
    </label>
    <xsl:if test="cx:has($hint)">
      <p class="hint" id="{$name}-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="$hint"/></xsl:call-template></p>
    </xsl:if>
    <xsl:call-template name="field-error"><xsl:with-param name="name" select="$name"/></xsl:call-template>
    <xsl:variable name="described">
      <xsl:if test="$err"><xsl:value-of select="$name"/>-error </xsl:if>
      <xsl:if test="cx:has($hint)"><xsl:value-of select="$name"/>-hint</xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$type = 'textarea'">
        <textarea id="{$name}" name="{$name}" rows="6" maxlength="{$max}">
          <xsl:if test="$required"><xsl:attribute name="required"></xsl:attribute></xsl:if>
          <xsl:if test="normalize-space($described) != ''"><xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($described)"/></xsl:attribute></xsl:if>
          <xsl:if test="$err"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
          <xsl:value-of select="$f/form/field[@name = $name]"/>
        </textarea>
      </xsl:when>
      <xsl:otherwise>
        <input id="{$name}" name="{$name}" type="{$type}" maxlength="{$max}" autocomplete="{$auto}" value="{$f/form/field[@name = $name]}">
          <xsl:if test="$required"><xsl:attribute name="required"></xsl:attribute></xsl:if>
          <xsl:if test="normalize-space($described) != ''"><xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($described)"/></xsl:attribute></xsl:if>
          <xsl:if test="$err"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
        </input>
      </xsl:otherwise>
    </xsl:choose>
  </div>
</xsl:template>

<!-- Step 3: the complaint. -->
<xsl:template name="form">
  <form class="lookup complaint" method="post" action="/file?lang={$lang}" enctype="multipart/form-data">
    <input type="hidden" name="csrf" value="{$f/@csrf}"/>
    <input type="hidden" name="service" value="{$svc}"/>
    <input type="hidden" name="institution" value="{$inst/@code}"/>
    <p><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.form.intro'"/></xsl:call-template></p>
    <fieldset>
      <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.form.applicant'"/></xsl:call-template></legend>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'surname'"/><xsl:with-param name="auto" select="'family-name'"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'name'"/><xsl:with-param name="auto" select="'given-name'"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'patronymic'"/><xsl:with-param name="required" select="false()"/><xsl:with-param name="auto" select="'additional-name'"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'address'"/><xsl:with-param name="auto" select="'street-address'"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'email'"/><xsl:with-param name="type" select="'email'"/><xsl:with-param name="auto" select="'email'"/><xsl:with-param name="max" select="254"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'phone'"/><xsl:with-param name="type" select="'tel'"/><xsl:with-param name="required" select="false()"/><xsl:with-param name="auto" select="'tel'"/><xsl:with-param name="max" select="25"/></xsl:call-template>
    </fieldset>
    <fieldset>
      <legend><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.form.complaint'"/></xsl:call-template></legend>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'official'"/><xsl:with-param name="required" select="false()"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'reasons'"/><xsl:with-param name="type" select="'textarea'"/><xsl:with-param name="max" select="20000"/></xsl:call-template>
      <xsl:call-template name="input"><xsl:with-param name="name" select="'demands'"/><xsl:with-param name="type" select="'textarea'"/><xsl:with-param name="max" select="20000"/></xsl:call-template>
      <div class="field">
        <label for="files"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.f.files'"/></xsl:call-template>
          <xsl:text> </xsl:text><span class="optional"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.optional'"/></xsl:call-template></span></label>
        <p class="hint" id="files-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.h.files'"/></xsl:call-template></p>
        <xsl:call-template name="field-error"><xsl:with-param name="name" select="'files'"/></xsl:call-template>
        <xsl:if test="$f/form and not($f/field-error[@name = 'files'])">
          <p class="hint" id="files-again"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.h.files-again'"/></xsl:call-template></p>
        </xsl:if>
        <input id="files" name="files" type="file" multiple="" accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png">
          <xsl:attribute name="aria-describedby"><xsl:if test="$f/field-error[@name = 'files']">files-error </xsl:if>files-hint</xsl:attribute>
          <xsl:if test="$f/field-error[@name = 'files']"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
        </input>
      </div>
    </fieldset>
    <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'file.confirm.proof'"/></xsl:call-template></p>
    <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.submit'"/></xsl:call-template></button>
  </form>
</xsl:template>

<!-- Sent: the mail with the link is on its way. -->
<xsl:template name="sent">
  <section class="status" id="sent">
    <p>
      <xsl:call-template name="tf">
        <xsl:with-param name="k" select="'filing.sent.text'"/>
        <xsl:with-param name="n1" select="'email'"/><xsl:with-param name="v1" select="$f/draft-accepted/email"/>
      </xsl:call-template>
    </p>
    <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'filing.sent.spam'"/></xsl:call-template></p>
  </section>
</xsl:template>

<!-- This page in another language: what was chosen goes, nothing typed. -->
<xsl:template name="lang-link">
  <xsl:param name="code"/>
  <li><a hreflang="{$code}" lang="{$code}" href="/file?lang={$code}{$qs}">
    <xsl:if test="$code = $lang"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
    <xsl:call-template name="t">
      <xsl:with-param name="k" select="'lang.name'"/>
      <xsl:with-param name="in" select="$code"/>
    </xsl:call-template>
  </a></li>
</xsl:template>
</xsl:stylesheet>

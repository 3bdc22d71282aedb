<?xml version="1.0" encoding="UTF-8"?>
<!--
  What every desk page shares: the frame (the bar with who is signed in,
  the menu, sign-out and the languages), the CSRF field, the error
  beside a field, and the names of states, services and channels.  The
  page's document is <desk csrf="" remind-days=""> with <me/> of the
  signed-in user, the document of the matching /api/v1 call, the <form>
  as it was typed and the <error> of the domain.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:cx="urn:complaints:web" exclude-result-prefixes="cx">
<xsl:import href="common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="me" select="/desk/me"/>
<xsl:variable name="err" select="/desk/error"/>
<xsl:variable name="typed" select="/desk/form"/>

<!-- The whole page around $content. -->
<xsl:template name="frame">
  <xsl:param name="title"/>
  <xsl:param name="content"/>
  <xsl:call-template name="doctype"/>
  <html lang="{$lang}" dir="ltr">
  <head>
  <meta charset="utf-8"/>
  <meta name="viewport" content="width=device-width, initial-scale=1"/>
  <meta name="robots" content="noindex"/>
  <title><xsl:value-of select="$title"/> · <xsl:call-template name="t"><xsl:with-param name="k" select="'desk.title'"/></xsl:call-template></title>
  <link rel="stylesheet" href="/desk.css"/>
  </head>
  <body>
  <a class="skip" href="#main"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.skip'"/></xsl:call-template></a>
  <header class="bar">
    <p class="brand"><a href="/desk/"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.title'"/></xsl:call-template></a></p>
    <xsl:if test="$me">
      <nav class="menu">
        <xsl:attribute name="aria-label"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav'"/></xsl:call-template></xsl:attribute>
        <ul>
          <li><a href="/desk/"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav.inbox'"/></xsl:call-template></a></li>
          <xsl:if test="$me/@role = 'registrar' or $me/@role = 'head'">
            <li><a href="/desk/register"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav.register'"/></xsl:call-template></a></li>
            <li><a href="/desk/post"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav.post'"/></xsl:call-template></a></li>
          </xsl:if>
          <xsl:if test="$me/@role = 'desk'">
            <li><a href="/desk/escalation"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav.escalation'"/></xsl:call-template></a></li>
          </xsl:if>
          <xsl:if test="$me/@role = 'admin'">
            <li><a href="/desk/admin"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav.admin'"/></xsl:call-template></a></li>
          </xsl:if>
          <!-- Every role of the desk sees the reports of its scope. -->
          <li><a href="/desk/reports"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.nav.reports'"/></xsl:call-template></a></li>
        </ul>
      </nav>
      <div class="who">
        <p>
          <xsl:call-template name="tf">
            <xsl:with-param name="k" select="'desk.signed-in'"/>
            <xsl:with-param name="n1" select="'name'"/><xsl:with-param name="v1" select="string($me/@name)"/>
            <xsl:with-param name="n2" select="'position'"/><xsl:with-param name="v2" select="string($me/@position)"/>
          </xsl:call-template>
          <xsl:text> · </xsl:text><span class="code"><xsl:value-of select="$me/@body"/></span>
        </p>
        <form method="post" action="/desk/logout" class="inline">
          <xsl:call-template name="csrf"/>
          <button type="submit" class="link"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.logout'"/></xsl:call-template></button>
        </form>
      </div>
    </xsl:if>
    <nav class="langs">
      <xsl:attribute name="aria-label"><xsl:call-template name="t"><xsl:with-param name="k" select="'lang.switch'"/></xsl:call-template></xsl:attribute>
      <ul>
        <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'kk'"/></xsl:call-template>
        <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'ru'"/></xsl:call-template>
        <xsl:call-template name="lang-link"><xsl:with-param name="code" select="'en'"/></xsl:call-template>
      </ul>
    </nav>
  </header>
  <main id="main">
    <xsl:copy-of select="$content"/>
  </main>
  </body>
  </html>
</xsl:template>

<xsl:template name="lang-link">
  <xsl:param name="code"/>
  <li><a href="?lang={$code}" hreflang="{$code}" lang="{$code}">
    <xsl:if test="$code = $lang"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
    <xsl:call-template name="t">
      <xsl:with-param name="k" select="'lang.name'"/>
      <xsl:with-param name="in" select="$code"/>
    </xsl:call-template>
  </a></li>
</xsl:template>

<xsl:template name="csrf">
  <input type="hidden" name="csrf" value="{/desk/@csrf}"/>
</xsl:template>

<!-- The error of the domain, in the user's language, above the form. -->
<xsl:template name="error">
  <xsl:if test="$err">
    <div class="alert" role="alert" id="error">
      <h2><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.error.heading'"/></xsl:call-template></h2>
      <p><xsl:call-template name="error-text"/></p>
    </div>
  </xsl:if>
</xsl:template>

<!-- The error in the page's words: desk.error.CODE, with the day it
     names ({date}); a document's field missing or wrong: the field's
     label in desk.error.invalid-field; only a code without a text of its
     own shows the domain's message (English) in the general sentence. -->
<xsl:template name="error-text">
  <xsl:variable name="k" select="concat('desk.error.', $err/@code)"/>
  <xsl:variable name="day">
    <xsl:if test="$err/@date"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($err/@date)"/></xsl:call-template></xsl:if>
  </xsl:variable>
  <xsl:choose>
    <xsl:when test="$err/@code = 'invalid-document' and (cx:has(concat('field.', $err/@field)) or cx:has(concat('desk.register.', $err/@field)))">
      <xsl:call-template name="tf">
        <xsl:with-param name="k" select="'desk.error.invalid-field'"/>
        <xsl:with-param name="n1" select="'field'"/>
        <xsl:with-param name="v1">
          <xsl:choose>
            <xsl:when test="cx:has(concat('field.', $err/@field))"><xsl:value-of select="cx:text(concat('field.', $err/@field), $lang)"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="cx:text(concat('desk.register.', $err/@field), $lang)"/></xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:when>
    <xsl:when test="cx:has(string($k))">
      <xsl:call-template name="tf">
        <xsl:with-param name="k" select="$k"/>
        <xsl:with-param name="n1" select="'message'"/><xsl:with-param name="v1" select="string($err)"/>
        <xsl:with-param name="n2" select="'date'"/><xsl:with-param name="v2" select="string($day)"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <!-- A code without its own text: the general one, with the
           domain's message (English) so nothing is hidden. -->
      <xsl:call-template name="tf">
        <xsl:with-param name="k" select="'desk.error.generic'"/>
        <xsl:with-param name="n1" select="'message'"/><xsl:with-param name="v1" select="string($err)"/>
      </xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- What was typed in a field of the form (action: the form's own). -->
<xsl:template name="typed">
  <xsl:param name="name"/>
  <xsl:param name="default"/>
  <xsl:choose>
    <xsl:when test="$typed/field[@name = $name]"><xsl:value-of select="$typed/field[@name = $name]"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="$default"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- A labelled input or textarea; the error beside it when it is about it. -->
<xsl:template name="field">
  <xsl:param name="name"/>
  <xsl:param name="id" select="$name"/>
  <xsl:param name="label"/>
  <xsl:param name="type" select="'text'"/>
  <xsl:param name="required" select="false()"/>
  <xsl:param name="hint"/>
  <xsl:param name="value"/>
  <xsl:param name="autocomplete" select="'off'"/>
  <xsl:param name="bad" select="$err/@field = $name"/>
  <div class="field">
    <label for="{$id}"><xsl:call-template name="t"><xsl:with-param name="k" select="$label"/></xsl:call-template></label>
    <xsl:if test="$hint != ''">
      <p class="hint" id="{$id}-hint"><xsl:call-template name="t"><xsl:with-param name="k" select="$hint"/></xsl:call-template></p>
    </xsl:if>
    <xsl:if test="$bad">
      <p class="field-error" id="{$id}-error"><xsl:call-template name="error-text"/></p>
    </xsl:if>
    <xsl:variable name="v">
      <xsl:call-template name="typed">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="default" select="$value"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$type = 'textarea'">
        <textarea id="{$id}" name="{$name}" rows="4">
          <xsl:if test="$required"><xsl:attribute name="required"/></xsl:if>
          <xsl:call-template name="described"><xsl:with-param name="id" select="$id"/><xsl:with-param name="hint" select="$hint"/><xsl:with-param name="bad" select="$bad"/></xsl:call-template>
          <xsl:value-of select="$v"/>
        </textarea>
      </xsl:when>
      <xsl:otherwise>
        <input id="{$id}" name="{$name}" type="{$type}" value="{$v}" autocomplete="{$autocomplete}">
          <xsl:if test="$required"><xsl:attribute name="required"/></xsl:if>
          <xsl:call-template name="described"><xsl:with-param name="id" select="$id"/><xsl:with-param name="hint" select="$hint"/><xsl:with-param name="bad" select="$bad"/></xsl:call-template>
        </input>
      </xsl:otherwise>
    </xsl:choose>
  </div>
</xsl:template>

<xsl:template name="described">
  <xsl:param name="id"/>
  <xsl:param name="hint"/>
  <xsl:param name="bad"/>
  <xsl:if test="$hint != '' or $bad">
    <xsl:attribute name="aria-describedby">
      <xsl:if test="$bad"><xsl:value-of select="$id"/>-error </xsl:if>
      <xsl:if test="$hint != ''"><xsl:value-of select="$id"/>-hint</xsl:if>
    </xsl:attribute>
  </xsl:if>
  <xsl:if test="$bad"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
</xsl:template>

<!-- The attachments a form carries (files read on an earlier post:
     their name, type and SHA-256, as the API takes them), listed and
     posted on in hidden fields. -->
<xsl:template name="attached">
  <xsl:if test="$typed/attachment">
    <ul class="attached" id="attached">
      <xsl:for-each select="$typed/attachment">
        <li><xsl:value-of select="@name"/> <span class="sub"><xsl:value-of select="@media-type"/><xsl:if test="@size"> · <xsl:value-of select="@size"/> B</xsl:if> · SHA-256 <xsl:value-of select="substring(@sha256, 1, 12)"/>…</span>
          <input type="hidden" name="attached" value="{concat(@sha256, ' ', @media-type, ' ', @name)}"/></li>
      </xsl:for-each>
    </ul>
  </xsl:if>
</xsl:template>

<xsl:template name="state-name">
  <xsl:param name="s"/>
  <xsl:call-template name="t"><xsl:with-param name="k" select="concat('state.', $s)"/></xsl:call-template>
</xsl:template>

<xsl:template name="service-name">
  <xsl:param name="n"/>
  <xsl:call-template name="t"><xsl:with-param name="k" select="concat('service.', $n)"/></xsl:call-template>
</xsl:template>

<xsl:template name="channel-name">
  <xsl:param name="c"/>
  <xsl:choose>
    <xsl:when test="$c = 'post' or $c = 'in-person'">
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('channel.', $c, '.form')"/></xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="t"><xsl:with-param name="k" select="concat('channel.', $c)"/></xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- The due date with how many working days are left, and its mark. -->
<xsl:template name="due">
  <xsl:param name="due"/>
  <xsl:param name="open" select="true()"/>
  <time datetime="{$due}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($due)"/></xsl:call-template></time>
  <xsl:if test="$open and $due/@days-left">
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="$due/@days-left &lt; 0">
        <strong class="mark overdue">
          <xsl:call-template name="tf">
            <xsl:with-param name="k" select="'desk.days-over'"/>
            <xsl:with-param name="n1" select="'n'"/><xsl:with-param name="v1" select="0 - $due/@days-left"/>
          </xsl:call-template>
        </strong>
      </xsl:when>
      <xsl:when test="$due/@days-left &lt;= /desk/@remind-days">
        <strong class="mark soon">
          <xsl:call-template name="tf">
            <xsl:with-param name="k" select="'desk.days-left'"/>
            <xsl:with-param name="n1" select="'n'"/><xsl:with-param name="v1" select="string($due/@days-left)"/>
          </xsl:call-template>
        </strong>
      </xsl:when>
      <xsl:otherwise>
        <span class="mark">
          <xsl:call-template name="tf">
            <xsl:with-param name="k" select="'desk.days-left'"/>
            <xsl:with-param name="n1" select="'n'"/><xsl:with-param name="v1" select="string($due/@days-left)"/>
          </xsl:call-template>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:if>
</xsl:template>

<xsl:template match="/">
  <xsl:call-template name="frame">
    <xsl:with-param name="title">-</xsl:with-param>
  </xsl:call-template>
</xsl:template>

</xsl:stylesheet>

<?xml version="1.0" encoding="UTF-8"?>
<!--
  Filing online: the page behind the link mailed to the applicant
  (GET /file/confirm?token=), which asks for one press of a button, so
  that a mail scanner opening links confirms nothing; and the page after
  it (POST /file/confirm): the <talon> of POST /api/v1/drafts/confirm with
  its access code, and Download slip.  Its document: <file step="confirm"
  token=".."/>, <file step="done"><talon>..</talon></file> or <file
  step="error" error="code"/>.  No script, no inline style.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="f" select="/file"/>
<xsl:variable name="tal" select="/file/talon"/>

<xsl:template match="/">
  <xsl:variable name="title">
    <xsl:call-template name="t"><xsl:with-param name="k" select="concat('file.', $f/@step, '.title')"/></xsl:call-template>
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
  <p class="org"><xsl:call-template name="t"><xsl:with-param name="k" select="'site.org'"/></xsl:call-template></p>
  </header>
  <main>
  <h1><xsl:value-of select="$title"/></h1>
  <xsl:choose>
    <xsl:when test="$f/@step = 'confirm'">
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'file.confirm.text'"/></xsl:call-template></p>
      <form method="post" action="/file/confirm">
        <input type="hidden" name="token" value="{$f/@token}"/>
        <input type="hidden" name="lang" value="{$lang}"/>
        <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'file.confirm.button'"/></xsl:call-template></button>
      </form>
      <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'file.confirm.proof'"/></xsl:call-template></p>
    </xsl:when>
    <xsl:when test="$f/@step = 'done'">
      <dl class="facts">
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'file.done.number'"/></xsl:call-template></dt>
          <dd id="talon-number"><xsl:value-of select="$tal/number"/></dd></div>
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'file.done.code'"/></xsl:call-template></dt>
          <dd id="access-code"><xsl:value-of select="$tal/access-code"/></dd></div>
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'file.done.body'"/></xsl:call-template></dt>
          <dd><xsl:value-of select="$tal/body"/></dd></div>
        <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'file.done.due'"/></xsl:call-template></dt>
          <dd><time datetime="{$tal/due}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($tal/due)"/></xsl:call-template></time></dd></div>
      </dl>
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'file.done.mail'"/></xsl:call-template></p>
      <form method="post" action="/file/slip">
        <input type="hidden" name="number" value="{$tal/number}"/>
        <input type="hidden" name="code" value="{$tal/access-code}"/>
        <input type="hidden" name="lang" value="{$lang}"/>
        <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'file.done.slip'"/></xsl:call-template></button>
      </form>
    </xsl:when>
    <xsl:otherwise>
      <div class="message error" role="alert" id="error"><p>
        <xsl:call-template name="t"><xsl:with-param name="k" select="concat('file.error.', $f/@error)"/></xsl:call-template>
      </p></div>
    </xsl:otherwise>
  </xsl:choose>
  </main>
  </body>
  </html>
</xsl:template>
</xsl:stylesheet>

<?xml version="1.0" encoding="UTF-8"?>
<!-- After POST /desk/register: the <talon> of POST /api/v1/complaints,
     its access code shown this once, Print slip (the A6 PDF) and the
     receipt for a 42-column printer (text). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="tal" select="/desk/talon"/>

<xsl:template match="/">
  <xsl:variable name="title">
    <xsl:call-template name="tf">
      <xsl:with-param name="k" select="'desk.talon.title'"/>
      <xsl:with-param name="n1" select="'number'"/><xsl:with-param name="v1" select="string($tal/number)"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <div class="notice" role="status"><p><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.done'"/></xsl:call-template></p></div>
      <h1><xsl:value-of select="$title"/></h1>
      <section class="card talon">
        <dl class="facts">
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.number'"/></xsl:call-template></dt>
            <dd class="big" id="talon-number"><xsl:value-of select="$tal/number"/></dd></div>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.code'"/></xsl:call-template></dt>
            <dd><span class="big code" id="access-code"><xsl:value-of select="$tal/access-code"/></span>
              <p class="hint"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.code-once'"/></xsl:call-template></p></dd></div>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.body'"/></xsl:call-template></dt>
            <dd><xsl:value-of select="$tal/body"/> (<xsl:value-of select="$tal/body/@code"/>), <xsl:value-of select="$tal/journal-number"/>/<xsl:value-of select="$tal/journal-number/@year"/></dd></div>
          <xsl:if test="$tal/received-at">
            <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.received'"/></xsl:call-template></dt>
              <dd id="received-at"><xsl:call-template name="datetime"><xsl:with-param name="at" select="$tal/received-at"/></xsl:call-template></dd></div>
          </xsl:if>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.accepted'"/></xsl:call-template></dt>
            <dd><xsl:call-template name="datetime"><xsl:with-param name="at" select="$tal/accepted-at"/></xsl:call-template>, <xsl:value-of select="$tal/accepted-by/name"/>, <xsl:value-of select="$tal/accepted-by/position"/></dd></div>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.due'"/></xsl:call-template></dt>
            <dd><time datetime="{$tal/due}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($tal/due)"/></xsl:call-template></time>
              <xsl:if test="$tal/clause"> · <xsl:value-of select="$tal/clause"/></xsl:if></dd></div>
          <xsl:if test="$tal/forward-proposed">
            <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.forward'"/></xsl:call-template></dt>
              <dd><xsl:value-of select="$tal/forward-proposed"/><xsl:if test="$tal/forward-by"> · <xsl:value-of select="$tal/forward-by"/></xsl:if></dd></div>
          </xsl:if>
        </dl>
        <xsl:if test="$tal/intake-missing">
          <div class="notice warning" role="status" id="intake-missing">
            <p><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.intake-missing'"/></xsl:call-template>:
              <xsl:value-of select="$tal/intake-missing"/></p>
          </div>
        </xsl:if>
        <div class="buttons">
          <form method="post" action="/desk/talons/{$tal/number}/slip" class="inline">
            <xsl:call-template name="csrf"/>
            <input type="hidden" name="code" value="{$tal/access-code}"/>
            <button type="submit" class="primary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.print'"/></xsl:call-template></button>
          </form>
          <form method="post" action="/desk/talons/{$tal/number}/receipt" class="inline">
            <xsl:call-template name="csrf"/>
            <input type="hidden" name="code" value="{$tal/access-code}"/>
            <button type="submit" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.receipt'"/></xsl:call-template></button>
          </form>
          <a class="button secondary">
            <xsl:attribute name="href">/desk/complaints/<xsl:value-of select="$tal/number"/><xsl:if test="$tal/forward-proposed">?forward=<xsl:value-of select="$tal/forward-proposed"/></xsl:if></xsl:attribute><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.open'"/></xsl:call-template></a>
          <a class="button secondary" href="/desk/register"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.another'"/></xsl:call-template></a>
        </div>
      </section>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>
</xsl:stylesheet>

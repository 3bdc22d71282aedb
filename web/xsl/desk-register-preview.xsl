<?xml version="1.0" encoding="UTF-8"?>
<!-- POST /desk/register before Confirm: the <registration-preview> that
     registering would give (the receiving body, the competent body when
     it is not this one, rule set, clause, due date, intake warnings),
     nothing written.  Every typed value goes on in hidden fields: Confirm
     registers, Change brings the form back filled. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:variable name="pv" select="/desk/registration-preview"/>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <p><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.intro'"/></xsl:call-template></p>
      <section class="card talon">
        <dl class="facts">
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.body'"/></xsl:call-template></dt>
            <dd id="preview-body"><xsl:call-template name="body-name"><xsl:with-param name="b" select="$pv/body"/></xsl:call-template> (<xsl:value-of select="$pv/body/@code"/>)</dd></div>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.competent'"/></xsl:call-template></dt>
            <dd id="preview-competent">
              <xsl:choose>
                <xsl:when test="$pv/forward-proposed">
                  <xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.forward'"/></xsl:call-template>:
                  <span id="preview-forward"><xsl:choose>
                    <xsl:when test="$lang != 'kk' and $pv/forward-proposed/@name-ru"><xsl:value-of select="$pv/forward-proposed/@name-ru"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="$pv/forward-proposed/@name"/></xsl:otherwise>
                  </xsl:choose> (<xsl:value-of select="$pv/forward-proposed"/>)</span>
                  <xsl:if test="$pv/forward-by"> · <xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.forward-by'"/></xsl:call-template> <time datetime="{$pv/forward-by}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($pv/forward-by)"/></xsl:call-template></time></xsl:if>
                </xsl:when>
                <xsl:otherwise><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.competent-yes'"/></xsl:call-template></xsl:otherwise>
              </xsl:choose>
            </dd></div>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.rules'"/></xsl:call-template></dt>
            <dd id="preview-rules"><xsl:value-of select="$pv/rules"/><xsl:if test="$pv/clause"> · <xsl:value-of select="$pv/clause"/></xsl:if></dd></div>
          <div><dt><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.talon.due'"/></xsl:call-template></dt>
            <dd><time id="preview-due" datetime="{$pv/due}"><xsl:call-template name="date"><xsl:with-param name="iso" select="string($pv/due)"/></xsl:call-template></time></dd></div>
        </dl>
        <xsl:if test="$pv/intake-missing">
          <div class="notice warning" role="status" id="intake-missing">
            <p><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.intake-missing'"/></xsl:call-template>:
              <xsl:value-of select="$pv/intake-missing"/></p>
          </div>
        </xsl:if>
        <form method="post" action="/desk/register" class="buttons">
          <xsl:call-template name="csrf"/>
          <xsl:for-each select="$typed/field[not(@name = 'find' or @name = 'change' or @name = 'confirm')]">
            <input type="hidden" name="{@name}" value="{.}"/>
          </xsl:for-each>
          <xsl:call-template name="attached"/>
          <button type="submit" name="confirm" value="1" class="primary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.confirm'"/></xsl:call-template></button>
          <button type="submit" name="change" value="1" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.preview.change'"/></xsl:call-template></button>
        </form>
      </section>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template name="body-name">
  <xsl:param name="b"/>
  <xsl:choose>
    <xsl:when test="$lang != 'kk' and $b/@name-ru"><xsl:value-of select="$b/@name-ru"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="$b"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>
</xsl:stylesheet>

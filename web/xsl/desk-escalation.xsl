<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/escalation: the ministry's desk.  Two <list>s, each the
     <complaints> of GET /api/v1/complaints: overdue complaints of every
     body, and those addressed to the ministry (appeals among them). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-inbox.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.esc.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:call-template name="error"/>
      <xsl:for-each select="/desk/list">
        <section class="card" aria-labelledby="list-{@kind}">
          <h2 id="list-{@kind}"><xsl:call-template name="t"><xsl:with-param name="k" select="concat('desk.esc.', @kind)"/></xsl:call-template></h2>
          <xsl:apply-templates select="complaints"/>
        </section>
      </xsl:for-each>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>
</xsl:stylesheet>

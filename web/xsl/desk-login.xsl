<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/login: the sign-in form; POST /desk/login answers with it
     again (the login kept, never the password) when it fails. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:template match="/">
  <xsl:call-template name="frame">
    <xsl:with-param name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.login.title'"/></xsl:call-template></xsl:with-param>
    <xsl:with-param name="content">
      <section class="card narrow">
        <h1><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.login.heading'"/></xsl:call-template></h1>
        <xsl:call-template name="error"/>
        <form method="post" action="/desk/login">
          <xsl:call-template name="csrf"/>
          <xsl:call-template name="field">
            <xsl:with-param name="name" select="'login'"/>
            <xsl:with-param name="label" select="'desk.login.login'"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="autocomplete" select="'username'"/>
          </xsl:call-template>
          <xsl:call-template name="field">
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="label" select="'desk.login.password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="required" select="true()"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
          <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.login.submit'"/></xsl:call-template></button>
        </form>
      </section>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>
</xsl:stylesheet>

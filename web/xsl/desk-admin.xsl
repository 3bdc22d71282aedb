<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/admin: the <accounts> of GET /api/v1/users with forms to
     open, disable and reset; the user's <tokens> (GET /api/v1/tokens);
     the <verify> of GET /api/v1/verify when asked for. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:call-template name="error"/>
      <xsl:if test="/desk/accounts">
        <section class="card" aria-labelledby="verify-h">
          <h2 id="verify-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.verify'"/></xsl:call-template></h2>
          <xsl:choose>
            <xsl:when test="/desk/verify/result = 'ok'">
              <p class="notice" role="status"><xsl:call-template name="tf">
                <xsl:with-param name="k" select="'desk.admin.verify.ok'"/>
                <xsl:with-param name="n1" select="'complaints'"/><xsl:with-param name="v1" select="string(/desk/verify/complaints)"/>
                <xsl:with-param name="n2" select="'events'"/><xsl:with-param name="v2" select="string(/desk/verify/events)"/>
              </xsl:call-template></p>
            </xsl:when>
            <xsl:when test="/desk/verify">
              <div class="alert" role="alert"><p><xsl:call-template name="tf">
                <xsl:with-param name="k" select="'desk.admin.verify.bad'"/>
                <xsl:with-param name="n1" select="'what'"/><xsl:with-param name="v1" select="string(/desk/verify/first-bad)"/>
              </xsl:call-template></p></div>
            </xsl:when>
          </xsl:choose>
          <form method="get" action="/desk/admin">
            <input type="hidden" name="verify" value="1"/>
            <button type="submit" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.verify.run'"/></xsl:call-template></button>
          </form>
        </section>
        <xsl:apply-templates select="/desk/accounts"/>
        <xsl:call-template name="open-account"/>
        <xsl:apply-templates select="/desk/tokens"/>
      </xsl:if>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template match="accounts">
  <section class="card" aria-labelledby="accounts-h">
    <h2 id="accounts-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.accounts'"/></xsl:call-template></h2>
    <div class="table-wrap">
    <table class="inbox">
      <thead><tr>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.login.login'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.person'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.role'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.case.body'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.change'"/></xsl:call-template></th>
      </tr></thead>
      <tbody>
        <xsl:for-each select="account">
          <tr>
            <xsl:if test="@active != 'true'"><xsl:attribute name="class">row-done</xsl:attribute></xsl:if>
            <th scope="row"><xsl:value-of select="@login"/></th>
            <td><xsl:value-of select="name"/><span class="sub"><xsl:value-of select="position"/></span></td>
            <td><xsl:call-template name="t"><xsl:with-param name="k" select="concat('role.', @role)"/></xsl:call-template></td>
            <td class="code"><xsl:value-of select="@body"/></td>
            <td>
              <xsl:choose>
                <xsl:when test="@active = 'true'">
                  <form method="post" action="/desk/admin/users/{@login}/disable" class="inline">
                    <xsl:call-template name="csrf"/>
                    <button type="submit" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.disable'"/></xsl:call-template></button>
                  </form>
                  <form method="post" action="/desk/admin/users/{@login}/password" class="row">
                    <xsl:call-template name="csrf"/>
                    <label class="visually-hidden" for="pw-{@login}"><xsl:call-template name="tf">
                      <xsl:with-param name="k" select="'desk.admin.new-password'"/>
                      <xsl:with-param name="n1" select="'login'"/><xsl:with-param name="v1" select="string(@login)"/>
                    </xsl:call-template></label>
                    <input id="pw-{@login}" name="password" type="password" autocomplete="new-password" required=""/>
                    <button type="submit" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.reset'"/></xsl:call-template></button>
                  </form>
                </xsl:when>
                <xsl:otherwise><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.disabled'"/></xsl:call-template></xsl:otherwise>
              </xsl:choose>
            </td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
    </div>
  </section>
</xsl:template>

<xsl:template name="open-account">
  <section class="card" aria-labelledby="open-h">
    <h2 id="open-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.open'"/></xsl:call-template></h2>
    <form method="post" action="/desk/admin/users">
      <xsl:call-template name="csrf"/>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'login'"/><xsl:with-param name="id" select="'new-login'"/><xsl:with-param name="label" select="'desk.login.login'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'surname'"/><xsl:with-param name="label" select="'desk.register.surname'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'given'"/><xsl:with-param name="label" select="'desk.register.name'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'patronymic'"/><xsl:with-param name="label" select="'desk.register.patronymic'"/></xsl:call-template>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'position'"/><xsl:with-param name="label" select="'desk.admin.position'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'body'"/><xsl:with-param name="label" select="'desk.admin.body'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
      <div class="field">
        <label for="role"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.role'"/></xsl:call-template></label>
        <select id="role" name="role">
          <xsl:call-template name="role-option"><xsl:with-param name="r" select="'registrar'"/></xsl:call-template>
          <xsl:call-template name="role-option"><xsl:with-param name="r" select="'head'"/></xsl:call-template>
          <xsl:call-template name="role-option"><xsl:with-param name="r" select="'desk'"/></xsl:call-template>
          <xsl:call-template name="role-option"><xsl:with-param name="r" select="'admin'"/></xsl:call-template>
          <xsl:call-template name="role-option"><xsl:with-param name="r" select="'partner'"/></xsl:call-template>
        </select>
      </div>
      <xsl:call-template name="field"><xsl:with-param name="name" select="'password'"/><xsl:with-param name="id" select="'new-password'"/><xsl:with-param name="label" select="'desk.login.password'"/><xsl:with-param name="type" select="'password'"/><xsl:with-param name="autocomplete" select="'new-password'"/><xsl:with-param name="required" select="true()"/></xsl:call-template>
      <button type="submit"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.open'"/></xsl:call-template></button>
    </form>
  </section>
</xsl:template>

<xsl:template name="role-option">
  <xsl:param name="r"/>
  <option value="{$r}">
    <xsl:if test="$typed/field[@name = 'role'] = $r"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
    <xsl:call-template name="t"><xsl:with-param name="k" select="concat('role.', $r)"/></xsl:call-template>
  </option>
</xsl:template>

<xsl:template match="tokens">
  <section class="card" aria-labelledby="tokens-h">
    <h2 id="tokens-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.admin.tokens'"/></xsl:call-template></h2>
    <ul class="talons">
      <xsl:for-each select="token">
        <li><xsl:value-of select="@kind"/><xsl:if test="label"> «<xsl:value-of select="label"/>»</xsl:if>
          · <xsl:call-template name="datetime"><xsl:with-param name="at" select="created"/></xsl:call-template>
          → <xsl:call-template name="datetime"><xsl:with-param name="at" select="expires"/></xsl:call-template></li>
      </xsl:for-each>
    </ul>
  </section>
</xsl:template>
</xsl:stylesheet>

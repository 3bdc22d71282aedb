<?xml version="1.0" encoding="UTF-8"?>
<!-- GET /desk/post: the letters of the user's body waiting for the post
     (the <notifications> of GET /api/v1/notifications?state=ready), each
     with its PDF and a form to mark it posted with its tracking number;
     the day's postal register as PDF or CSV. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="desk-common.xsl"/>
<xsl:output method="html" indent="no"/>

<xsl:template match="/">
  <xsl:variable name="title"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.title'"/></xsl:call-template></xsl:variable>
  <xsl:call-template name="frame">
    <xsl:with-param name="title" select="$title"/>
    <xsl:with-param name="content">
      <h1><xsl:value-of select="$title"/></h1>
      <xsl:call-template name="error"/>
      <section class="card" aria-labelledby="register-h">
        <h2 id="register-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.register'"/></xsl:call-template></h2>
        <form method="get" action="/desk/post/register" class="filters">
          <div class="field">
            <label for="date"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.date'"/></xsl:call-template></label>
            <input id="date" name="date" type="date" value="{/desk/@today}" required=""/>
          </div>
          <div class="field">
            <label for="format"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.format'"/></xsl:call-template></label>
            <select id="format" name="format">
              <option value="pdf">PDF</option>
              <option value="csv">CSV</option>
            </select>
          </div>
          <button type="submit" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.download'"/></xsl:call-template></button>
        </form>
      </section>
      <section class="card" aria-labelledby="letters-h">
        <h2 id="letters-h"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.letters'"/></xsl:call-template></h2>
        <xsl:if test="not(/desk/notifications/notification)">
          <p class="empty"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.none'"/></xsl:call-template></p>
        </xsl:if>
        <xsl:if test="/desk/notifications/notification">
          <div class="table-wrap">
          <table class="inbox">
            <thead><tr>
              <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.letter'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.to'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.posted'"/></xsl:call-template></th>
            </tr></thead>
            <tbody>
              <xsl:for-each select="/desk/notifications/notification">
                <xsl:variable name="mine" select="$typed/@action = @id"/>
                <tr>
                  <th scope="row"><a href="/desk/post/letters/{@id}"><xsl:value-of select="outgoing-number"/><xsl:if test="not(outgoing-number)">#<xsl:value-of select="@id"/></xsl:if></a>
                    <span class="sub"><xsl:value-of select="@kind"/> · <xsl:value-of select="complaint"/></span></th>
                  <td><xsl:value-of select="recipient"/></td>
                  <td>
                    <form method="post" action="/desk/post/letters/{@id}/posted" class="row">
                      <xsl:call-template name="csrf"/>
                      <label class="visually-hidden" for="tracking-{@id}"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.tracking'"/></xsl:call-template></label>
                      <input id="tracking-{@id}" name="tracking" type="text" maxlength="64" autocomplete="off">
                        <xsl:attribute name="placeholder"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.tracking'"/></xsl:call-template></xsl:attribute>
                        <xsl:if test="$mine"><xsl:attribute name="value"><xsl:value-of select="$typed/field[@name = 'tracking']"/></xsl:attribute>
                          <xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
                      </input>
                      <button type="submit" class="secondary"><xsl:call-template name="t"><xsl:with-param name="k" select="'desk.post.mark'"/></xsl:call-template></button>
                    </form>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
          </div>
        </xsl:if>
      </section>
    </xsl:with-param>
  </xsl:call-template>
</xsl:template>
</xsl:stylesheet>

package dev.headroom.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The platform's own database must keep what Headroom acknowledged, unlike a test database. */
class EmbeddedDatabaseTest {

  @Test
  void runsWithDurableCommits() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(null, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
      assertEquals("on", setting(c, "fsync"));
      assertEquals("on", setting(c, "synchronous_commit"));
      assertEquals("on", setting(c, "full_page_writes"));
    }
  }

  @Test
  void asynchronousCommitsStillFlushAndWriteWholePages() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(null, 0, "off");
        Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
      assertEquals("off", setting(c, "synchronous_commit"));
      assertEquals("on", setting(c, "fsync"));
      assertEquals("on", setting(c, "full_page_writes"));
    }
  }

  private static String setting(Connection c, String name) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

package dev.headroom.kit.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class its own fresh database on the JVM's shared PostgreSQL, dropped after the
 * class.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
 * ... PG.database().settings("signal")
 * }</pre>
 *
 * or {@code @ExtendWith(PostgresExtension.class)} with a {@link TestDatabase} parameter.
 */
public final class PostgresExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PostgresExtension.class);
  private TestDatabase database;

  @Override
  public void beforeAll(ExtensionContext context) {
    database = PostgresServer.shared().createDatabase();
    context.getStore(NS).put("db", database);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestDatabase db = context.getStore(NS).remove("db", TestDatabase.class);
    if (db != null) {
      db.drop();
    }
  }

  /** The current test class's database (valid between beforeAll and afterAll). */
  public TestDatabase database() {
    if (database == null) {
      throw new IllegalStateException(
          "register PostgresExtension as a static field (class-level lifecycle)");
    }
    return database;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    TestDatabase db = e.getStore(NS).get("db", TestDatabase.class);
    return db != null ? db : database();
  }
}

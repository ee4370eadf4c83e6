package dev.headroom.crm.app;

import dev.headroom.kit.RunUntilStopped;
import java.time.Clock;

/** Runs the CRM connector standalone: configuration from {@code crm.yaml} and the environment. */
public final class CrmServiceMain {
  private CrmServiceMain() {}

  public static void main(String[] args) throws InterruptedException {
    CrmApp app = CrmApp.start(CrmConfig.load(System.getenv()), Clock.systemUTC(), null, true);
    RunUntilStopped.await("CRM connector", app);
  }
}

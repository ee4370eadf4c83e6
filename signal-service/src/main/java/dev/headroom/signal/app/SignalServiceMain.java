package dev.headroom.signal.app;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** Runs the signal service until the process is asked to stop. Configuration: {@code signal.yaml} + environment. */
public final class SignalServiceMain {
    private static final Logger LOG = Logger.getLogger(SignalServiceMain.class.getName());

    private SignalServiceMain() {}

    public static void main(String[] args) throws InterruptedException {
        SignalConfig config = SignalConfig.load(System.getenv());
        SignalApp app = SignalApp.start(config, Clock.systemUTC(), null, true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping signal service");
            app.close();
            stopped.countDown();
        }, "signal-shutdown"));
        LOG.info(() -> "signal service up: grpc " + app.grpcPort() + ", http " + app.httpPort());
        stopped.await();
    }
}

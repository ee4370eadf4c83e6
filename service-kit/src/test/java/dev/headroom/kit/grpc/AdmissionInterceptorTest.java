package dev.headroom.kit.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.error.ErrorMapper;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.Status;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The permit bookkeeping on the paths a flood cannot be relied on to reach. */
class AdmissionInterceptorTest {
  private final AdmissionInterceptor admission = new AdmissionInterceptor(1, new ErrorMapper("t"));

  @Test
  void aTaskThePoolRejectsReturnsItsPermitOnce() {
    Executor rejecting =
        task -> {
          throw new RejectedExecutionException("pool shut down");
        };
    ServerCallExecutorSupplier supplier =
        admission.executorSupplier(rejecting, Set.of("kittest.Busy"), Set.of());

    Executor callExecutor = supplier.getExecutor(new IdleCall(), new Metadata());
    assertNotNull(callExecutor, "the first call is admitted onto the pool");
    assertEquals(0, admission.available());

    assertThrows(RejectedExecutionException.class, () -> callExecutor.execute(() -> {}));
    assertEquals(1, admission.available(), "the rejected call's permit is back");
    assertThrows(RejectedExecutionException.class, () -> callExecutor.execute(() -> {}));
    assertEquals(1, admission.available(), "and it is not returned a second time");
  }

  @Test
  void callsBeyondTheLimitAndUncontrolledServicesStayOffThePool() {
    ServerCallExecutorSupplier supplier =
        admission.executorSupplier(Runnable::run, Set.of("other.Service"), Set.of());
    assertNull(supplier.getExecutor(new IdleCall(), new Metadata()), "not admission-controlled");
    assertEquals(1, admission.available());

    ServerCallExecutorSupplier controlled =
        admission.executorSupplier(Runnable::run, Set.of("kittest.Busy"), Set.of());
    assertNotNull(controlled.getExecutor(new IdleCall(), new Metadata()));
    assertNull(controlled.getExecutor(new IdleCall(), new Metadata()), "over the limit of 1");
  }

  @Test
  void aMethodAnsweredOnTheTransportThreadRunsThereUnderAdmission() {
    Executor pool =
        task -> {
          throw new AssertionError("the pool must not run a transport-thread method");
        };
    ServerCallExecutorSupplier supplier =
        admission.executorSupplier(
            pool, Set.of("kittest.Busy"), Set.of(OverloadTest.WORK.getFullMethodName()));

    Executor callExecutor = supplier.getExecutor(new IdleCall(), new Metadata());
    assertNotNull(callExecutor, "admitted");
    assertEquals(0, admission.available(), "it holds a permit like any admitted call");
    assertNull(supplier.getExecutor(new IdleCall(), new Metadata()), "over the limit of 1");
    Thread caller = Thread.currentThread();
    Thread[] ranOn = new Thread[1];
    callExecutor.execute(() -> ranOn[0] = Thread.currentThread());
    assertEquals(caller, ranOn[0], "the task runs on the thread that hands it over");
  }

  @Test
  void aQueueSmallerThanTheLimitIsRefusedAtStartup() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GrpcServerSettings(0, 2, 63, 64, Duration.ofSeconds(1), 1024, ""));
    assertTrue(e.getMessage().contains("queueCapacity (63)"), e.getMessage());
  }

  /** A call that is never driven: only its method matters to the executor choice. */
  private static final class IdleCall extends ServerCall<byte[], byte[]> {
    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(byte[] message) {}

    @Override
    public void close(Status status, Metadata trailers) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<byte[], byte[]> getMethodDescriptor() {
      return OverloadTest.WORK;
    }
  }
}

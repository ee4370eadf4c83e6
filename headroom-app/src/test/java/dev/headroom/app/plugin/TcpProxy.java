package dev.headroom.app.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a service, to put the network between the client and the real
 * service into the states a host lives through: forwarding, stalled (connections stay open, no byte
 * moves), answers held back (requests reach the service, nothing comes back), and down (connections
 * cut, new ones refused). It always listens on the same 127.0.0.1 port.
 */
final class TcpProxy implements AutoCloseable {
  private enum State {
    FORWARD,
    STALL,
    HOLD_ANSWERS
  }

  private final int servicePort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private State state = State.FORWARD;
  private ServerSocket listener;

  private TcpProxy(int servicePort, ServerSocket listener) {
    this.servicePort = servicePort;
    this.listener = listener;
    this.port = listener.getLocalPort();
  }

  /** A forwarding proxy to {@code 127.0.0.1:servicePort}. */
  static TcpProxy to(int servicePort) {
    TcpProxy proxy = new TcpProxy(servicePort, listen(0));
    proxy.acceptOn(proxy.listener);
    return proxy;
  }

  /** The gRPC target of the proxy. */
  String target() {
    return "127.0.0.1:" + port;
  }

  /** Forwards again whatever was held, and everything after it. */
  synchronized void forward() {
    state = State.FORWARD;
    notifyAll();
  }

  /** Nothing moves in either direction; the connections stay open. */
  synchronized void stall() {
    state = State.STALL;
  }

  /** Requests reach the service, its answers are held: a link that died on the way back. */
  synchronized void holdAnswers() {
    state = State.HOLD_ANSWERS;
  }

  /** Cuts every connection (held bytes are lost) and refuses new ones until {@link #up()}. */
  synchronized void down() {
    closeQuietly(listener);
    listener = null;
    cutConnections();
    state = State.FORWARD;
    notifyAll();
  }

  /** Listens again on the same port, forwarding. */
  synchronized void up() {
    if (listener == null) {
      listener = listen(port);
      acceptOn(listener);
    }
    forward();
  }

  @Override
  public synchronized void close() {
    closeQuietly(listener);
    listener = null;
    cutConnections();
    notifyAll();
  }

  private void cutConnections() {
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  private static ServerSocket listen(int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void acceptOn(ServerSocket server) {
    daemon(
        "proxy-accept-" + port,
        () -> {
          while (!server.isClosed()) {
            Socket client;
            try {
              client = server.accept();
            } catch (IOException e) {
              return; // down() or close() closed the listener
            }
            try {
              connect(server, client, new Socket(InetAddress.getLoopbackAddress(), servicePort));
            } catch (IOException e) {
              closeQuietly(client); // the service refused: so does the proxy
            }
          }
        });
  }

  /** Starts forwarding, unless the proxy went down while the connection was being made. */
  private synchronized void connect(ServerSocket server, Socket client, Socket service) {
    if (server.isClosed()) {
      closeQuietly(client);
      closeQuietly(service);
      return;
    }
    sockets.add(client);
    sockets.add(service);
    daemon("proxy-request", () -> pump(client, service, true));
    daemon("proxy-answer", () -> pump(service, client, false));
  }

  /** Copies bytes from one side to the other while the state lets them pass. */
  private void pump(Socket from, Socket to, boolean towardsService) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!awaitPassage(towardsService, from)) {
          return;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // Either side went away, or down() cut the connection.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private synchronized boolean awaitPassage(boolean towardsService, Socket from) {
    while (!from.isClosed()
        && (state == State.STALL || (state == State.HOLD_ANSWERS && !towardsService))) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !from.isClosed();
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // Closing is best effort: the socket is gone either way.
    }
  }
}

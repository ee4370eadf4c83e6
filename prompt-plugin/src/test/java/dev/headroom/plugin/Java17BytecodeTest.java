package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.signal.v1.UsageEvent;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Host backends on Java 17 can load the client and the contracts it needs. */
class Java17BytecodeTest {
  private static final int JAVA_17 = 61;

  @Test
  void clientAndContractsAreJava17ClassFiles() throws IOException {
    for (Class<?> c :
        new Class<?>[] {
          HeadroomClient.class, PromptWire.class, PromptServiceGrpc.class, UsageEvent.class
        }) {
      assertEquals(JAVA_17, majorVersion(c), c.getName());
    }
  }

  private static int majorVersion(Class<?> c) throws IOException {
    String resource = c.getName().replace('.', '/') + ".class";
    try (InputStream in = c.getClassLoader().getResourceAsStream(resource);
        DataInputStream data = new DataInputStream(in)) {
      data.readInt(); // 0xCAFEBABE
      data.readUnsignedShort(); // minor
      return data.readUnsignedShort();
    }
  }
}

package dev.headroom.plugin;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Tests of the client against a {@link FakePromptService}; clients they start are closed after. */
abstract class AgainstFakePromptService {
  final FakePromptService server = FakePromptService.start();
  private final List<HeadroomClient> clients = new ArrayList<>();

  @AfterEach
  void closeClientsAndServer() {
    clients.forEach(HeadroomClient::close);
    server.close();
  }

  HeadroomClient start(HeadroomClient.Builder builder) {
    HeadroomClient client = builder.build();
    clients.add(client);
    return client;
  }
}

package dev.headroom.prompt.campaign;

/**
 * How a campaign or experiment definition is stored: the gRPC edge encodes it as its contract
 * message, so the domain and the DAOs never see proto types.
 */
public interface DefinitionCodec<T> {
  byte[] encode(T value);

  T decode(byte[] bytes);
}

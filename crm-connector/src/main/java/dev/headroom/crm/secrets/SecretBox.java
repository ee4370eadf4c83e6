package dev.headroom.crm.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts connection credentials at rest with AES-256-GCM. Keys come from configuration by id; new
 * ciphertexts use the active key, old ones stay readable while their key is still configured.
 * Stored form: {@code <keyId>:<base64(12-byte nonce || ciphertext+tag)>}; the connection id is the
 * associated data, so a ciphertext copied onto another connection's row does not decrypt.
 *
 * <p>Rotation: add the new key beside the old one, make it active and restart; {@link
 * #needsRewrap(String)} tells which rows to re-encrypt (the service does that at startup), after
 * which the old key can be removed.
 */
public final class SecretBox {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKeySpec> keys;
  private final String activeKeyId;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param keys key id to a 32-byte AES key
   */
  public SecretBox(Map<String, byte[]> keys, String activeKeyId) {
    if (!keys.containsKey(activeKeyId)) {
      throw new IllegalArgumentException("the active key " + activeKeyId + " is not configured");
    }
    keys.forEach(
        (id, key) -> {
          if (key.length != 32) {
            throw new IllegalArgumentException("key " + id + " must be 32 bytes (AES-256)");
          }
          if (!id.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("key ids are letters, digits, - and _");
          }
        });
    this.keys =
        Map.copyOf(
            keys.entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> new SecretKeySpec(e.getValue(), "AES"))));
    this.activeKeyId = activeKeyId;
  }

  public String seal(String plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
      return activeKeyId + ":" + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * @throws IllegalStateException when the key is not configured or the ciphertext was altered
   */
  public String open(String stored, String associatedData) {
    int colon = stored.indexOf(':');
    SecretKeySpec key = colon < 0 ? null : keys.get(stored.substring(0, colon));
    if (key == null) {
      throw new IllegalStateException(
          "credentials were encrypted with a key that is not configured (secrets.keys)");
    }
    byte[] raw = Base64.getDecoder().decode(stored.substring(colon + 1));
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("credentials do not decrypt: wrong key or altered data");
    }
  }

  /** True when {@code stored} was sealed with a key other than the active one. */
  public boolean needsRewrap(String stored) {
    return !stored.startsWith(activeKeyId + ":");
  }
}

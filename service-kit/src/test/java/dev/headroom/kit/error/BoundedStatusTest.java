package dev.headroom.kit.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedStatusTest {
  private final ErrorMapper mapper = new ErrorMapper("kittest");

  @Test
  void aThousandViolationsBecomeAFewWithTheRestCounted() throws Exception {
    List<FieldViolation> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add(new FieldViolation("events[" + i + "].event_id", "required " + "x".repeat(500)));
    }
    com.google.rpc.Status st = mapper.toStatus(new DomainException.InvalidArgument(many));
    BadRequest br = st.getDetails(1).unpack(BadRequest.class);
    ErrorInfo info = st.getDetails(0).unpack(ErrorInfo.class);
    int shown = br.getFieldViolationsCount();
    assertTrue(shown >= 1 && shown <= BoundedStatus.MAX_FIELD_VIOLATIONS, "shown " + shown);
    assertEquals("events[0].event_id", br.getFieldViolations(0).getField());
    assertEquals(1000 - shown, Integer.parseInt(info.getMetadataOrThrow("violations_omitted")));
    assertTrue(st.getMessage().contains("and 999 more"), st.getMessage());
    assertTrue(st.getSerializedSize() < 4_500, "status bytes " + st.getSerializedSize());
  }

  @Test
  void hugeTextAnywhereInTheStatusIsCut() throws Exception {
    String huge = "é".repeat(70_000);
    com.google.rpc.Status st = mapper.toStatus(new DomainException.NotFound("account", huge));
    assertTrue(st.getMessage().length() <= BoundedStatus.MAX_MESSAGE_CHARS);
    ErrorInfo info = st.getDetails(0).unpack(ErrorInfo.class);
    assertTrue(
        info.getMetadataOrThrow("resource_name").length() <= BoundedStatus.MAX_METADATA_CHARS);
    assertTrue(st.getSerializedSize() < 2_000, "status bytes " + st.getSerializedSize());
  }
}

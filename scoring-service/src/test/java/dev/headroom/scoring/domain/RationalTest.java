package dev.headroom.scoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RationalTest {
  @Test
  void roundsHalfUpNotToEven() {
    assertEquals(41, Rational.of(81, 2).roundHalfUp());
    assertEquals(61, Rational.of(121, 2).roundHalfUp());
    assertEquals(63, Rational.of(125, 2).roundHalfUp());
    assertEquals(40, Rational.of(8099, 200).roundHalfUp()); // 40.495
    assertEquals(0, Rational.of(-1, 2).roundHalfUp()); // floor(-0.5 + 0.5)
    assertEquals(-1, Rational.of(-3, 4).roundHalfUp());
  }

  @Test
  void sumsOfRepeatingDecimalsStayExact() {
    Rational sum = Rational.of(25, 3).plus(Rational.of(5, 3)).plus(Rational.of(61, 2));
    assertEquals(Rational.of(81, 2), sum);
    assertEquals(41, sum.roundHalfUp());
  }

  @Test
  void decimalsAreExactWhenTheyTerminate() {
    assertEquals(new BigDecimal("21.25"), Rational.of(85, 4).toDecimal(6));
    assertEquals(new BigDecimal("20"), Rational.of(40, 2).toDecimal(6));
    assertEquals(new BigDecimal("14.166667"), Rational.of(85, 6).toDecimal(6));
    assertTrue(Rational.of(1, 80).isTerminatingDecimal());
    assertFalse(Rational.of(1, 3).isTerminatingDecimal());
    assertEquals("85/6", Rational.of(170, 12).toString());
  }
}

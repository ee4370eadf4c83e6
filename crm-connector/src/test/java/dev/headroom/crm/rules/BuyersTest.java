package dev.headroom.crm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who gets the self-serve campaign: the titles of buyer roles, not members'. */
class BuyersTest {
  @Test
  void buyerTitlesNameAnOwnerAdminBillingOrExecutiveRole() {
    List<String> buyers =
        List.of(
            "Owner",
            "Co-Founder & CEO",
            "Workspace Administrator",
            "IT Admin",
            "Billing contact",
            "Head of Finance",
            "Procurement Manager",
            "VP Operations",
            "Director of Engineering",
            "Chief Revenue Officer");
    List<String> members =
        List.of(
            "Software Engineer",
            "Data Analyst",
            "Designer",
            "Customer Success Associate",
            "Headhunter",
            "Adminstration intern?",
            "");
    assertEquals(
        buyers, buyers.stream().filter(Buyers::isBuyer).toList(), "every buyer title is a buyer");
    assertEquals(List.of(), members.stream().filter(Buyers::isBuyer).toList());
    assertEquals(false, Buyers.isBuyer(null));
  }
}

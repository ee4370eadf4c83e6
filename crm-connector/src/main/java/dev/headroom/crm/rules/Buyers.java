package dev.headroom.crm.rules;

import java.util.regex.Pattern;

/**
 * Who among an account's CRM contacts is a buyer, the people a self-serve expansion campaign writes
 * to. Headroom's buyer roles are OWNER, ADMIN and BILLING (they get the self-serve offer in the
 * product); a CRM contact carries only a job title, so a contact is a buyer when its title names
 * one of those roles or someone who signs for them: owner or founder, admin(istrator), billing,
 * finance, procurement or purchasing, or an executive (chief / C-level, president, VP, director,
 * head of). Engineers, analysts and other members are not.
 */
public final class Buyers {
  private static final Pattern BUYER_TITLE =
      Pattern.compile(
          "\\b(owner|co-?founder|founder|admin|administrator|billing|finance|financial|procurement|purchasing|chief|ceo|cfo|coo|cto|cio|president|vp|director|head"
              + " of)\\b",
          Pattern.CASE_INSENSITIVE);

  private Buyers() {}

  public static boolean isBuyer(String title) {
    return title != null && BUYER_TITLE.matcher(title).find();
  }
}

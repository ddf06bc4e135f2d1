package io.ringmaster.coordinator.jobs;

import java.security.SecureRandom;
import java.util.Locale;

/** Job ids: a slug of the job's name plus six random hex digits, e.g. {@code fashion-mlp-3f9a1c}. */
final class JobIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private JobIds() {}

  static String next(String label) {
    String slug = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    if (slug.isEmpty()) {
      slug = "job";
    }
    if (slug.length() > 40) {
      slug = slug.substring(0, 40);
    }
    return slug + "-" + String.format("%06x", RANDOM.nextInt(1 << 24));
  }
}

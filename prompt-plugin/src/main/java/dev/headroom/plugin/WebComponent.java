package dev.headroom.plugin;

/**
 * Where the {@code <headroom-prompt>} web component is. The jar carries it as the resource {@link
 * #RESOURCE} (servlet containers serve {@code META-INF/resources} as is, at {@code
 * /headroom-prompt/<version>/headroom-prompt.js}); prompt-service serves it at {@link #PATH}.
 *
 * <p>Both paths carry {@link #VERSION}, and the file is cached for a long time under it: any change
 * to the component comes with a new version, so a page keeps the component it was tested with.
 */
public final class WebComponent {
  /** The component's version; it changes with every change to the file. */
  public static final String VERSION = "1.0.0";

  /** The class path resource of the component's script. */
  public static final String RESOURCE =
      "META-INF/resources/headroom-prompt/" + VERSION + "/headroom-prompt.js";

  /** The path under which prompt-service's HTTP server serves the script. */
  public static final String PATH = "/assets/headroom-prompt/" + VERSION + "/headroom-prompt.js";

  private WebComponent() {}
}

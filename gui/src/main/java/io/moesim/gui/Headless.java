package io.moesim.gui;

/**
 * Switches JavaFX to Monocle's headless screen and the software renderer, so the workbench renders
 * without a display (the screenshot mode, CI). Must run before the toolkit starts.
 */
public final class Headless {
    private Headless() {
    }

    /** Sets the system properties (kept when already set). */
    public static void configure() {
        set("glass.platform", "Monocle");
        set("monocle.platform", "Headless");
        set("prism.order", "sw");
        set("java.awt.headless", "true");
        set("headless.geometry", "1920x1200-32");
        set("testfx.robot", "glass");
        set("testfx.headless", "true");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

package io.moesim.gui.archfixture;

import io.moesim.engine.Category;

/** Breaks the view rule on purpose: a "view" that uses an engine type (GuiArchitectureTest proves the rule fires). */
final class ViewReachingTheEngine {
    String color(Category c) {
        return c.id();
    }
}

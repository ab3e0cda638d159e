package io.moesim.gui.archfixture;

import javafx.scene.paint.Color;

/** Breaks the view-model rule on purpose: a "view-model" that uses the scene graph. */
final class ViewModelDrawing {
    Color color() {
        return Color.RED;
    }
}

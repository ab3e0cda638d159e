package io.moesim.layout;

import java.util.Arrays;

/**
 * How decoder layers are cut into {@code pp·vpp} virtual pipeline stages, as Megatron-Core does it:
 * <ol>
 *   <li>evenly when the stage count divides the layers;</li>
 *   <li>else, when the layers plus the embedding (and the loss) counted as one layer each divide evenly,
 *       the first (and last) virtual stage holds one layer fewer
 *       ({@code --account-for-embedding-in-pipeline-split}, {@code --account-for-loss-in-pipeline-split});</li>
 *   <li>else {@code ⌈layers/stages⌉} per stage with the shortfall taken from the first and last stages in
 *       turn, as one would set {@code --decoder-first-pipeline-num-layers} and
 *       {@code --decoder-last-pipeline-num-layers} (DeepSeek-V3's 61 layers over 16 stages: 2, 4 × 14, 3).</li>
 * </ol>
 * Every virtual stage gets at least one layer, except that with Megatron's accounting the first and
 * last may hold only the embedding or the loss; see {@link #possible}.
 */
public final class PipelineSplit {
    private PipelineSplit() {
    }

    /** Layers per virtual stage. */
    public static int[] counts(int layers, int stages) {
        if (!possible(layers, stages)) {
            throw new IllegalArgumentException(layers + " layers cannot fill " + stages + " virtual stages");
        }
        int[] count = new int[stages];
        if (layers % stages == 0) {
            Arrays.fill(count, layers / stages);
            return count;
        }
        if ((layers + 1) % stages == 0) {
            Arrays.fill(count, (layers + 1) / stages);
            count[0]--;
            return count;
        }
        if ((layers + 2) % stages == 0 && stages > 1) {
            Arrays.fill(count, (layers + 2) / stages);
            count[0]--;
            count[stages - 1]--;
            return count;
        }
        int per = (layers + stages - 1) / stages;
        Arrays.fill(count, per);
        int shortfall = per * stages - layers;
        int lo = 0;
        int hi = stages - 1;
        boolean front = true;
        while (shortfall > 0) {
            int i = front ? lo : hi;
            if (count[i] > 1) {
                count[i]--;
                shortfall--;
            } else if (front) {
                lo++;
            } else {
                hi--;
            }
            front = !front;
        }
        return count;
    }

    /**
     * Whether a split exists: every virtual stage gets a layer, except that the first and last may hold
     * only the embedding and the loss (Megatron's accounting).
     */
    public static boolean possible(int layers, int stages) {
        return stages >= 1 && layers >= 1 && (layers >= stages || layers + 1 == stages || layers + 2 == stages);
    }

    /** The layer indices of each virtual stage, in order. */
    public static int[][] layers(int layers, int stages) {
        int[] count = counts(layers, stages);
        int[][] out = new int[stages][];
        int next = 0;
        for (int v = 0; v < stages; v++) {
            out[v] = new int[count[v]];
            for (int i = 0; i < count[v]; i++) {
                out[v][i] = next++;
            }
        }
        return out;
    }

    /** A one-line description: {@code 3 layers per virtual stage} or {@code uneven: 2, 4 x 14, 3}. */
    public static String describe(int layers, int stages) {
        int[] c = counts(layers, stages);
        if (Arrays.stream(c).distinct().count() == 1) {
            return c[0] + " layers per virtual stage";
        }
        StringBuilder sb = new StringBuilder("uneven over " + stages + " virtual stages: ");
        int i = 0;
        while (i < c.length) {
            int j = i;
            while (j < c.length && c[j] == c[i]) {
                j++;
            }
            sb.append(i == 0 ? "" : ", ").append(j - i == 1 ? String.valueOf(c[i]) : c[i] + " x " + (j - i));
            i = j;
        }
        return sb.toString();
    }
}

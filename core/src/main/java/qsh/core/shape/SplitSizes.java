package qsh.core.shape;

import java.util.Arrays;

/** The output lengths of ONNX Split along its axis, shared by the executor and static shape inference. */
public final class SplitSizes {
    private SplitSizes() {
    }

    /**
     * The length of each of {@code outputs} outputs along an axis of length {@code dim}: the given split sizes
     * (the attribute before opset 13, input 1 from 13) when not null; else, with {@code numOutputs} (opset 18),
     * ceil(dim / num) each and the last ones smaller; else equal parts.
     */
    public static int[] of(int[] given, Long numOutputs, int dim, int outputs) {
        if (given != null) {
            if (given.length != outputs || Arrays.stream(given).asLongStream().sum() != dim
                    || Arrays.stream(given).anyMatch(v -> v < 0)) {
                throw new IllegalArgumentException("Split sizes " + Arrays.toString(given) + " must be " + outputs
                        + " non-negative lengths adding up to the axis length " + dim);
            }
            return given.clone();
        }
        int[] r = new int[outputs];
        if (numOutputs != null) {
            if (numOutputs != outputs) {
                throw new IllegalArgumentException("Split num_outputs " + numOutputs + " differs from its " + outputs
                        + " outputs");
            }
            int chunk = (dim + outputs - 1) / outputs;
            for (int i = 0, left = dim; i < outputs; i++) {
                r[i] = Math.min(chunk, left);
                left -= r[i];
            }
            return r;
        }
        if (outputs == 0 || dim % outputs != 0) {
            throw new IllegalArgumentException("Split into " + outputs + " equal parts needs an axis length divisible by "
                    + outputs + ", got " + dim + " (give the split sizes)");
        }
        Arrays.fill(r, dim / outputs);
        return r;
    }
}

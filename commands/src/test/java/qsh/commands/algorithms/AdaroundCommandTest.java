package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.core.quant.Encoding;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;
import qsh.core.tensor.Tensor;

/** adaround on the demo at W4 per-channel: lower reconstruction error than nearest, weights on the frozen grids. */
class AdaroundCommandTest {
    static final String LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().toString();

    @Test
    void roundsOnTheFrozenGridsAndReducesReconstructionError() {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --per-channel --weight-bw 4");
        QuantizationPlan before = in.session().model().orElseThrow().plan();
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) in.execute("adaround " + LIST + " --iterations 150").result().data();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) data.get("layers");
        assertEquals(18, layers.size());
        double nearest = 0;
        double ada = 0;
        for (Map<String, Object> l : layers) {
            nearest += (Double) l.get("mse_nearest");
            ada += (Double) l.get("mse_adaround");
        }
        assertTrue(ada < nearest, "AdaRound should lower the summed reconstruction MSE: " + ada + " vs " + nearest);
        QuantizationPlan after = in.session().model().orElseThrow().plan();
        assertEquals(before.encodings(), after.encodings(), "encodings are frozen");
        for (Map.Entry<String, Tensor> e : after.weightValues().entrySet()) {
            TensorPrecision p = after.params().get(e.getKey());
            float[] w = e.getValue().data();
            int per = w.length / p.encodings().size();
            for (int i = 0; i < w.length; i++) {
                Encoding enc = p.encodings().get(i / per);
                double q = w[i] / (float) enc.scale();
                assertEquals(Math.rint(q), q, 1e-3, e.getKey() + "[" + i + "] is not on its grid");
                assertTrue(Math.rint(q) >= -enc.zeroPoint() && Math.rint(q) <= enc.qmax() - enc.zeroPoint());
            }
        }
    }

    @Test
    void needsACalibratedModel() {
        Interpreter in = new Interpreter();
        CommandException e = assertThrows(CommandException.class, () -> in.execute("adaround " + LIST));
        assertTrue(e.getMessage().contains("run calibrate first"), e.getMessage());
    }
}

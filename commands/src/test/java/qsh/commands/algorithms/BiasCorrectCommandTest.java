package qsh.commands.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.exec.Executor;
import qsh.core.tensor.Tensor;

/** Empirical bias correction removes most of the mean output shift quantization causes (W4 per-channel demo). */
class BiasCorrectCommandTest {
    static final Path LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath();
    static final String LAYER = "/features/features.8/Conv";

    @Test
    void shrinksTheMeanShiftOfTheLastConv() {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --per-channel --weight-bw 4");
        double before = meanShift(in.session().model().orElseThrow());
        in.execute("bias-correct --empirical " + LIST);
        ModelState m = in.session().model().orElseThrow();
        double after = meanShift(m);
        System.out.printf("bias correction: mean |shift| of %s output %.4f → %.4f%n", LAYER, before, after);
        assertTrue(after < 0.5 * before, before + " → " + after);
        assertEquals(18, m.plan().weightValues().size());
        assertTrue(m.plan().weightValues().containsKey("features.0.bias")); // batch norms are folded: the conv bias takes the correction
        CommandException e = assertThrows(CommandException.class, () -> in.execute("bias-correct --empirical"));
        assertTrue(e.getMessage().contains("input list"), e.getMessage());
    }

    @Test
    void analyticalPredictsMostOfTheShiftWithoutData() {
        Interpreter in = new Interpreter();
        in.execute("calibrate " + LIST + " --per-channel --weight-bw 4");
        double before = meanShift(in.session().model().orElseThrow());
        in.execute("bias-correct");
        double after = meanShift(in.session().model().orElseThrow());
        System.out.printf("analytical bias correction: mean |shift| of %s output %.4f → %.4f%n", LAYER, before, after);
        assertTrue(after < before, before + " → " + after);
    }

    /** Mean over channels of |mean over samples and positions of (quantized − float)| at the layer's output. */
    static double meanShift(ModelState m) {
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(LIST),
                CalibrationInputs.shapesOf(m.graph()));
        String simOut = m.simulated().node(LAYER).output(0);
        String floatOut = m.graph().node(LAYER).output(0);
        double[] d = null;
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Tensor> s = inputs.load(i);
            Tensor q = (Tensor) Executor.run(m.simulated(), s, null, Set.of(simOut)).get(simOut);
            Tensor f = (Tensor) Executor.run(m.graph(), s, null, Set.of(floatOut)).get(floatOut);
            int c = q.dim(1);
            int plane = q.size() / c;
            d = d == null ? new double[c] : d;
            for (int k = 0; k < q.size(); k++) {
                d[k / plane] += (q.data()[k] - f.data()[k]) / plane / inputs.size();
            }
        }
        double sum = 0;
        for (double v : d) {
            sum += Math.abs(v);
        }
        return sum / d.length;
    }
}

package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.quant.QuantMode;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;

/**
 * Calibration memory does not grow with the number of inputs (streaming statistics): the live heap after a full
 * GC, measured while calibration runs (statistics and histograms alive), is the same after 100 and after 1000
 * Fashion-MNIST inputs. Uses the histogram path (enhanced), the heavier one.
 */
class CalibrationMemoryTest {
    @TempDir
    Path dir;

    @Test
    void liveHeapIsFlatFrom100To1000Inputs() {
        Interpreter in = new Interpreter();
        in.execute("dataset fashion-mnist --count 1000 --out " + dir);
        var g = in.session().requireModel().graph();
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(dir.resolve("input_list.txt")),
                CalibrationInputs.shapesOf(g));
        long[] live = new long[2];
        QuantConfig cfg = QuantConfig.DEFAULTS.withQuantizers(QuantMode.TF, QuantMode.ENHANCED);
        ModelQuantizer.calibrate(g, inputs, cfg, QuantOverrides.EMPTY, done -> {
            if (done == 100 || done == 1000) {
                live[done == 100 ? 0 : 1] = liveHeap();
            }
        });
        double mib100 = live[0] / 1048576.0;
        double mib1000 = live[1] / 1048576.0;
        System.out.printf("calibration live heap (after GC): %.1f MiB after 100 inputs, %.1f MiB after 1000 (enhanced, histograms)%n",
                mib100, mib1000);
        assertTrue(mib1000 - mib100 < 2.0, "live heap grew from " + mib100 + " to " + mib1000 + " MiB");
    }

    static long liveHeap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

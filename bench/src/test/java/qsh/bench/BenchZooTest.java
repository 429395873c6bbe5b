package qsh.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.tensor.Tensor;

/** The benchmark's view of zoo.json: every model it names is a benchmark parameter, and the committed ones are found. */
class BenchZooTest {
    private final Path root = BenchZoo.root();

    @Test
    void everyZooModelIsABenchmarkParameter() throws Exception {
        String[] declared = ExecutorBenchmark.class.getField("model").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        List<String> zoo = BenchZoo.models(root).stream().map(BenchZoo.Model::name).toList();
        assertEquals(zoo, List.of(declared), "ExecutorBenchmark's @Param list follows scripts/zoo/zoo.json");
    }

    @Test
    void committedAndClassPathModelsAreFound() {
        for (BenchZoo.Model m : BenchZoo.models(root)) {
            if (!m.source().equals("torch")) { // the torchvision exports are made on demand
                assertNotNull(BenchZoo.locate(root, m), m.name());
            }
        }
        BenchZoo.Model r = BenchZoo.model(root, "resnet18");
        assertEquals("input 1,3,160,160", r.inputDim());
        assertTrue(BenchZoo.missing(r).startsWith("skipped resnet18: no "), BenchZoo.missing(r));
    }

    @Test
    void inputsAreDeterministicNormalizedImages() {
        BenchZoo.Model m = BenchZoo.model(root, "ch_ppocr_mobile_v2.0_cls");
        Tensor a = BenchZoo.input(m, 7);
        assertArrayEquals(new int[] {1, 3, 48, 192}, a.shape());
        assertArrayEquals(a.data(), BenchZoo.input(m, 7).data());
        for (float v : a.data()) { // paddle: (u - 0.5) / 0.5 for u in [0, 1)
            assertTrue(v >= -1f && v < 1f, "value " + v);
        }
    }
}

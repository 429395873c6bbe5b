package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.spi.ScriptRunner;

/** The qsh global: session access, conversions, callbacks, the graph builder, errors with locations. */
class JsApiTest {
    final JsTestSupport t = new JsTestSupport();

    {
        // the tests run in commands/; the lessons' data is beside it, outside what scripts reach by default
        t.interp.execute("set allow-read ../scripts");
    }

    @Test
    void loadsTheDemoAndCountsItsNodes() {
        assertEquals("52", t.js("qsh.load(\"demo\"); qsh.nodes().length"));
        assertEquals("true Conv", t.js("Array.isArray(qsh.nodes()) + ' ' + qsh.nodes()[0].op"));
        assertEquals("string", t.js("typeof qsh.run('version').qsh"));
        assertEquals("[16,1,3,3]", t.js("qsh.tensor('features.0.weight').shape()"));
    }

    @Test
    void tensorsMoveBothWaysAndCommandsSeeThem() {
        assertEquals("2.5", t.js("qsh.fromArray('a', new Float32Array([1, 2, 3, 4]), [2, 2]).stats().mean"));
        assertEquals("[1,2,3,4]", t.js("qsh.tensor('a').toArray()"));
        assertTrue(String.join("\n", t.interp.execute("show a").result().lines()).contains("[2, 2]"));
        String sqnr = t.js("qsh.fromArray('b', [1, 2, 3, 4.1]); qsh.tensor('a').sqnr(qsh.tensor('b')).toFixed(1)");
        assertEquals("34.8", sqnr); // 10·log10(30 / 0.01); the tf range [0, 4] below gives scale 4/255
        assertEquals("8 0.015686275", t.js("const e = qsh.encode('a', {bw: 8}); e.bitwidth + ' ' + e.scale.toPrecision(8)"));
        assertEquals("a_q", t.js("qsh.quantize('a', {bw: 4}).name"));
        assertTrue(t.js("qsh.pack('a_q', {bw: 4}).hex").length() > 0);
    }

    @Test
    void dataLoadersReadFashionMnistRawFilesAndText() {
        String demo = Path.of("..", "scripts", "data", "demo").toAbsolutePath().toString().replace("\\", "/");
        assertEquals("3 [1,1,28,28] 9,2,1", t.js("const d = qsh.fashionMnist({split: 'test', count: 3}); "
                + "d.images.length + ' ' + JSON.stringify(d.images[0].shape()) + ' ' + d.labels"));
        assertEquals("784", t.js("qsh.readRaw('" + demo + "/img0.raw').size()"));
        assertEquals("img0.raw", t.js("qsh.readText('" + demo + "/input_list.txt').split('\\n')[0]"));
        String missing = Path.of(System.getProperty("java.io.tmpdir"), "no-such-qsh-file.raw").toString();
        assertTrue(t.error("js qsh.readRaw('" + missing + "')").contains("no such file"));
        assertTrue(t.error("js qsh.fashionMnist({split: 'validation'})").contains("'test' or 'train'"));
        assertTrue(t.error("js qsh.fashionMnist({cnt: 3})").contains("unknown option 'cnt'"));
    }

    /** A builder op given undefined (a value an earlier failed call never made) is a one-line error, as JsApiFuzzer found. */
    @Test
    void builderOpsGivenUndefinedSayWhatIsWrong() {
        for (String op : List.of("relu", "softmax", "flatten", "globalavgpool", "output")) {
            String msg = t.js("try { qsh.graph()." + op + "(undefined); 'no error' } catch (e) { e.message }");
            assertTrue(msg.contains("is not a value of this graph") && !msg.contains("NullPointer"), op + ": " + msg);
        }
        // names given as undefined (a value an earlier failed call never made; found by JsApiFuzzer)
        String input = t.js("try { qsh.graph().input(undefined, [1, 2, 3]); 'no error' } catch (e) { e.message }");
        assertTrue(input.contains("b.input needs a name") && !input.contains("NullPointer"), input);
        String build = t.js("try { const b = qsh.graph(); b.output(b.relu(b.input('x', [1, 4]))); b.build(undefined);"
                + " 'no error' } catch (e) { e.message }");
        assertTrue(build.contains("build needs the model's name") && !build.contains("NullPointer"), build);
    }

    @Test
    void errorsAreCatchableInScriptsAndNameTheLine() {
        assertTrue(t.js("try { qsh.run('encode nope') } catch (e) { e.message }").contains("no tensor named 'nope'"));
        String msg = t.error("js {\n  const a = 1\n  a + missing\n}");
        assertTrue(msg.contains("missing is not defined") && msg.contains("line 3 of the block"), msg);
    }

    @Test
    void jsFilesReportFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.js");
        Files.writeString(f, "// a comment\nconst x = 1;\nx.nothing.deeper;\n");
        String msg = t.error("run " + f);
        assertTrue(msg.startsWith(f + ":3:"), msg);
        assertTrue(msg.contains("TypeError"), msg);
    }

    @Test
    void blocksSpanLinesInScriptsAndKeepTheirNewlines() throws Exception {
        String script = "js {\n  const xs = [1,\n    2, 3]   // a comment with a } brace\n  console.log(xs.length)\n}\n"
                + "js 'one line; with a semicolon'\n";
        List<ScriptRunner.Failure> fails = new ScriptRunner(t.interp).run(new StringReader(script), "s.qsh", false, false, f -> { });
        assertEquals(List.of(), fails);
        assertEquals("3\none line; with a semicolon\n", t.printed.toString());
        assertEquals(List.of("js 1; 2"), t.interp.statements("js 1; 2"));
        assertEquals(List.of("set", "js 1; 2", "show x"), t.interp.statements("set; js 1; 2\nshow x"));
    }

    @Test
    void aNetworkBuiltInJavaScriptRunsCalibratesAndIsScored() {
        t.js("{\n const b = qsh.graph(); const x = b.input('x', [1, 1, 28, 28]);\n"
                + " let y = b.relu(b.conv(x, {out: 8, k: 3, pad: 1, seed: 1}));\n"
                + " y = b.add(y, b.relu(b.conv(y, {out: 8, k: 3, pad: 1, seed: 2})));\n"
                + " y = b.maxpool(y, {k: 2}); y = b.globalavgpool(y); y = b.flatten(y);\n"
                + " b.output(b.gemm(y, {out: 10, seed: 3})); b.build('tiny') }");
        assertEquals("9", t.js("qsh.nodes().length"));
        // infer's data through qsh.run: one output, the Gemm's, with its shape and values; the seed makes it repeatable
        assertEquals("1 gemm1 [1,10] 10 true", t.js("const o = qsh.run('infer --random --seed 1').outputs;"
                + " const again = qsh.run('infer --random --seed 1').outputs;"
                + " o.length + ' ' + o[0].name + ' ' + JSON.stringify(o[0].shape) + ' ' + o[0].values.length + ' '"
                + " + (JSON.stringify(o[0].values) === JSON.stringify(again[0].values))"));
        t.js("qsh.calibrate('../scripts/data/demo/input_list.txt', {perChannel: true})");
        String scores = t.js("JSON.stringify(qsh.evaluate(m => m.run({x: new Float32Array(784).fill(0.5)}).gemm1.length))");
        assertEquals("{\"float\":10,\"quantized\":10}", scores);
        String acc = t.js("const r = qsh.accuracy(i => i < 4 ? {x: new Float32Array(784).fill(i / 4)} : null, [0, 1, 2, 3]);"
                + " r.samples + ' ' + typeof r.float.top1 + ' ' + typeof r.quantized.top5");
        assertEquals("4 number number", acc);
    }

    @Test
    void versionNamesTheJavaScriptMode() {
        assertTrue(String.join("\n", t.interp.execute("version").result().lines()).contains("not started"));
        t.js("1");
        assertTrue(String.join("\n", t.interp.execute("version").result().lines()).contains("interpreted"));
    }
}

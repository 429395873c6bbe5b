package qsh.commands.js;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import qsh.commands.Interpreter;
import qsh.commands.fuzz.FuzzInterpreters;
import qsh.commands.spi.CommandException;

/**
 * Jazzer target: the {@code qsh} JavaScript API. The bytes choose 1 to 5 calls from the API's names (qsh.*, a
 * tensor's methods, the graph builder's), each with arguments from a pool of awkward values (null, undefined, NaN,
 * huge and negative sizes, wrong types, strings of the fuzzer's own) or an earlier call's result; each call runs in
 * its own try/catch and every message it throws, as the js command would show it uncaught
 * ({@link JsRuntime#guestMessage}), must be a user's error line ({@link FuzzInterpreters#leaksInternals}), as must
 * the js command's own failure. Bounded: the interpreter cannot
 * write files ({@link FuzzInterpreters#safe}), a 200 000-statement limit, a 64 MB memory budget and a 5 s stop.
 * Corpus: {@code JsApiFuzzerInputs/fuzz}.
 */
class JsApiFuzzer {
    private static final String[] QSH_CALLS = {
        "qsh.fromArray(%s, %s)", "qsh.fromArray(%s, %s, %s)", "qsh.tensor(%s)", "qsh.tensors()", "qsh.encode(%s)",
        "qsh.encode(%s, %s)", "qsh.quantize(%s, %s)", "qsh.dequantize(%s, %s)", "qsh.pack(%s, %s)", "qsh.run(%s)",
        "qsh.exec(%s)", "qsh.load(%s)", "qsh.nodes()", "qsh.readText(%s)", "qsh.readRaw(%s)", "qsh.calibrate(%s)",
        "qsh.calibrate(%s, %s)", "qsh.eval(%s)", "qsh.evaluate(%s)", "qsh.accuracy(%s, %s)", "qsh.fashionMnist(%s)",
        "qsh.graph()", "String(qsh)",
    };
    private static final String[] VALUE_CALLS = {
        "%s.shape()", "%s.size()", "%s.min()", "%s.max()", "%s.mean()", "%s.stats()", "%s.toArray()", "%s.sqnr(%s)",
        "%s.encode(%s)", "%s.name()", "%s.input(%s, %s)", "%s.conv(%s, %s)", "%s.relu(%s)", "%s.add(%s, %s)",
        "%s.flatten(%s)", "%s.gemm(%s, %s)", "%s.linear(%s, %s)", "%s.maxpool(%s, %s)", "%s.globalavgpool(%s)",
        "%s.softmax(%s)", "%s.output(%s)", "%s.build(%s)", "%s.length", "%s[0]", "JSON.stringify(%s)",
    };
    private static final String[] VALUES = {
        "null", "undefined", "0", "-1", "1", "2.5", "NaN", "Infinity", "1e9", "2147483648", "''", "'a'", "'b'", "'x'",
        "'a_q'", "'demo'", "'features.0.weight'", "'show a'", "'tensors'", "'encode a --bw 4'", "'set bitwidth 3'",
        "'exit'", "'js 1'", "'run /dev/null'", "'/dev/zero'", "'.'", "'nope.raw'", "'../scripts/data/demo/img0.raw'",
        "'../scripts/data/demo/input_list.txt'", "'test'", "[]", "[1, 2, 3]", "[2, 2]", "[0]", "[-1]", "[1e9, 1e9]",
        "[1, 1, 28, 28]", "[[1], [2]]", "new Float32Array(4)", "new Float32Array(0)", "{}", "{bw: 4}", "{bw: 0}",
        "{bw: 'x'}", "{bw: 4, mode: 'tf'}", "{out: 8, k: 3}", "{out: -1, k: 0}", "{count: 2}", "{split: 'test', count: 1}",
        "{cnt: 3}", "function () { return 1 }", "() => { throw new Error('cb') }", "Symbol('s')", "{length: -1}",
        "new Proxy({}, {})", "Object.create(null)",
    };

    private final Interpreter interp = FuzzInterpreters.safe();

    JsApiFuzzer() {
        interp.execute("set js-statement-limit 200000");
        interp.execute("set memory-budget 64m");
        interp.execute("js 1"); // the engine starts here, outside the 5 s bound of an input
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        int calls = data.consumeInt(1, 5);
        StringBuilder js = new StringBuilder("{\nconst errs = [];\nconst v = [];\n");
        for (int i = 0; i < calls; i++) {
            String call;
            if (i > 0 && data.consumeBoolean()) {
                call = fill(data.pickValue(VALUE_CALLS), data, i, true);
            } else {
                call = fill(data.pickValue(QSH_CALLS), data, i, false);
            }
            js.append("try { v.push(").append(call).append("); } catch (e) { v.push(undefined); ")
                    .append("errs.push(String(e)); }\n");
        }
        js.append("errs.join('\\n')\n}");
        String code = js.toString();
        FuzzInterpreters.bounded(interp, 5000, () -> {
            try {
                List<String> lines = interp.execute("js " + code).result().lines();
                for (String caught : String.join("\n", lines).split("\n")) {
                    // what the js command shows when the same error is not caught (GraalJS's own text for a call
                    // with arguments of the wrong type, said in JavaScript's terms by JsRuntime.guestMessage)
                    String line = JsRuntime.guestMessage(caught);
                    if (FuzzInterpreters.leaksInternals(line)) {
                        throw new AssertionError("a call's error leaks qsh's internals: " + line + "\nin:\n" + code);
                    }
                }
            } catch (CommandException e) {
                FuzzInterpreters.requireUsersError(e);
            }
        });
    }

    /** {@code template} with each {@code %s} replaced by an argument: a pooled value, an earlier result, or fuzz text. */
    private static String fill(String template, FuzzedDataProvider data, int earlier, boolean receiverFirst) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        boolean first = true;
        for (int at = template.indexOf("%s"); at >= 0; at = template.indexOf("%s", from)) {
            out.append(template, from, at);
            if (first && receiverFirst) {
                out.append("v[").append(data.consumeInt(0, earlier - 1)).append(']');
            } else {
                out.append(argument(data, earlier));
            }
            first = false;
            from = at + 2;
        }
        return out.append(template.substring(from)).toString();
    }

    private static String argument(FuzzedDataProvider data, int earlier) {
        int kind = data.consumeInt(0, 5);
        if (kind == 0 && earlier > 0) {
            return "v[" + data.consumeInt(0, earlier - 1) + "]";
        }
        if (kind == 1) {
            return quote(data.consumeString(12));
        }
        return data.pickValue(VALUES);
    }

    /** A JavaScript string literal of {@code s}, every non-alphanumeric character escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c < 128 && (Character.isLetterOrDigit(c) || c == ' ' || c == '.' || c == '_' || c == '-' || c == '/')) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.append('\'').toString();
    }
}

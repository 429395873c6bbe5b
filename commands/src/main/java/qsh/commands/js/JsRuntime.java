package qsh.commands.js;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ErrorLine;
import qsh.commands.spi.Evaluator;
import qsh.commands.spi.Result;
import qsh.core.io.FileAccessPolicy;

/**
 * One sandboxed GraalJS context and the conversions between its values and qsh's data. The sandbox: the
 * CONSTRAINED policy; host access only to {@code @HostAccess.Export} members of qsh's facade classes; no host
 * class lookup, IO, threads, processes, native code, polyglot or environment access; the Java/Graal/load
 * globals removed. Files are reached only through qsh's API, which resolves paths like typed commands do.
 */
final class JsRuntime implements AutoCloseable {
    /** Only exported members; no arrays, lists or maps of the host are visible (data crosses as JSON). */
    static final HostAccess ACCESS = HostAccess.newBuilder(HostAccess.CONSTRAINED)
            .allowAccessAnnotatedBy(HostAccess.Export.class).build();

    // Removes what could reach Java or files even when locked (defence in depth), then hands back private
    // helpers captured before any user code runs, so a script that redefines JSON cannot break conversions.
    private static final String PRELUDE = """
            (function () {
              for (const n of ["Java", "Packages", "java", "javax", "javafx", "com", "org", "edu", "net", "load",
                               "loadWithNewGlobal", "Graal", "Polyglot", "polyglot", "quit", "exit"]) {
                delete globalThis[n];
              }
              const stringify = JSON.stringify, parse = JSON.parse, from = Array.from, isView = ArrayBuffer.isView;
              const plain = (k, v) => (isView(v) ? from(v) : v);
              return {
                json: (v) => stringify(v, plain),
                parse: (s) => parse(s),
                fail: (m) => { throw new Error(m); }
              };
            })()
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Engine engine;

    private final Evaluator interpreter;
    private final Context context;
    private final long statementLimit;
    private final Value json;
    private final Value parse;
    private final Value fail;
    private final LineSink out;
    private final LineSink err;
    private volatile boolean closed;
    /** The files the running script may reach; qsh's API enforces it even for code run from Java (a getter). */
    private FileAccessPolicy policy;

    /** One engine for the JVM: contexts built on it share parsed code, so a rebuilt context starts fast. */
    private static synchronized Engine engine() {
        if (engine == null) {
            engine = Engine.newBuilder("js").sandbox(SandboxPolicy.CONSTRAINED)
                    .option("engine.WarnInterpreterOnly", "false")
                    .out(OutputStream.nullOutputStream()).err(OutputStream.nullOutputStream()).build();
        }
        return engine;
    }

    JsRuntime(Evaluator interpreter, long statementLimit) {
        this.interpreter = interpreter;
        this.statementLimit = statementLimit;
        this.policy = interpreter.session().scriptFileAccess();
        this.out = new LineSink(interpreter);
        this.err = new LineSink(interpreter);
        Context.Builder b = Context.newBuilder("js").engine(engine()).sandbox(SandboxPolicy.CONSTRAINED)
                .allowHostAccess(ACCESS)
                .allowHostClassLookup(name -> false)
                .allowHostClassLoading(false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowNativeAccess(false)
                .allowCreateProcess(false)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .option("js.graal-builtin", "false")
                .option("js.load", "false")
                .out(out).err(err);
        if (statementLimit > 0) {
            b.resourceLimits(ResourceLimits.newBuilder().statementLimit(statementLimit, null).build());
        }
        this.context = b.build();
        try {
            Value helpers = context.eval(Source.newBuilder("js", PRELUDE, "qsh-prelude").buildLiteral());
            this.json = helpers.getMember("json");
            this.parse = helpers.getMember("parse");
            this.fail = helpers.getMember("fail");
            context.getBindings("js").putMember("qsh", new QshApi(this));
        } catch (PolyglotException e) {
            // Ctrl-C while the engine starts (seconds, on the first js) lands here: the user's stop, not a bug
            // (found by JsApiFuzzer); the half-built context is dropped and the next js builds a new one
            context.close(true);
            if (e.isInterrupted() || e.isCancelled()) {
                throw new CommandException("js: interrupted while the JavaScript engine started; the next js starts it again", e);
            }
            throw e;
        }
    }

    Evaluator interpreter() {
        return interpreter;
    }

    Context context() {
        return context;
    }

    /** Resets the statement count (the limit applies per command). */
    void resetLimits() {
        if (statementLimit > 0) {
            context.resetLimits();
        }
    }

    /** A callback's error as one line naming {@code name} (FILE:fn, with the line of the failing statement). */
    CommandException error(PolyglotException e, String name) {
        flushOutput();
        if (e.isCancelled() || e.isResourceExhausted()) {
            closed = true;
        }
        return new CommandException(message(e, name, true, false), e);
    }

    /**
     * Runs {@code body} (which runs JavaScript) with {@code p} as the script's file access, enforced on this thread;
     * inside a script already running (qsh.run('run other.js')) the outer script's policy stays.
     */
    <T> T under(FileAccessPolicy p, java.util.function.Supplier<T> body) {
        if (FileAccessPolicy.enforced() != null) {
            return body.get();
        }
        FileAccessPolicy before = policy;
        policy = p;
        try {
            return FileAccessPolicy.enforce(p, body);
        } finally {
            policy = before;
        }
    }

    /** Runs {@code body} (a qsh API call from JavaScript that may open files) under the script's policy. */
    <T> T guarded(java.util.function.Supplier<T> body) {
        return FileAccessPolicy.enforce(policy, body);
    }

    long statementLimit() {
        return statementLimit;
    }

    boolean closed() {
        return closed;
    }

    /** Evaluates {@code code}; {@code top} resets the statement count (the limit is per command). */
    Result eval(String code, String name, boolean file, boolean top) {
        if (top && statementLimit > 0) {
            context.resetLimits();
        }
        try {
            Value v = context.eval(Source.newBuilder("js", code, name).buildLiteral());
            flushOutput();
            return file ? Result.EMPTY : show(v);
        } catch (PolyglotException e) {
            flushOutput();
            if (e.isCancelled() || e.isResourceExhausted()) {
                closed = true;
            }
            throw new CommandException(message(e, name, file, code.indexOf('\n') >= 0), e);
        } catch (IllegalStateException e) {
            // the context was closed under us (a hard interrupt): the next js builds a new one
            closed = true;
            throw new CommandException("js: the JavaScript context was closed (interrupted); a new one starts on the next js", e);
        }
    }

    private void flushOutput() {
        out.flush();
        err.flush();
    }

    private String message(PolyglotException e, String name, boolean file, boolean multiLine) {
        if (e.isResourceExhausted() && !isStatementLimit(e)) {
            return "js: out of memory: the script's values outgrew the Java heap ("
                    + qsh.core.tensor.MemoryBudget.describe(Runtime.getRuntime().maxMemory()) + "); a new JavaScript "
                    + "context starts on the next js (globals are lost); keep less in memory, or give qsh more heap"
                    + " (QSH_JAVA_OPTS=-Xmx8g ./qsh)";
        }
        if (e.isResourceExhausted()) {
            return "js: statement limit of " + statementLimit + " reached (set js-statement-limit); "
                    + "a new JavaScript context starts on the next js (globals are lost)";
        }
        if (e.isInterrupted()) {
            return "js: interrupted (the JavaScript context and its globals are kept)";
        }
        if (e.isCancelled()) {
            return "js: stopped; the JavaScript context was closed (a new one starts on the next js; globals are lost)";
        }
        String what = e.isHostException() ? hostMessage(e.asHostException()) : guestMessage(e.getMessage());
        SourceSection at = location(e);
        if (e.isSyntaxError() || at == null) {
            // GraalJS adds the source line and a caret on further lines: errors stay one line
            return (file ? name + ": " : "js: ") + what.lines().findFirst().orElse(what);
        }
        if (file) {
            return name + ":" + at.getStartLine() + ":" + at.getStartColumn() + ": " + what;
        }
        return "js: " + what + (multiLine ? " (line " + at.getStartLine() + " of the block)" : "");
    }

    /** GraalJS's statement-limit cancellation (the other resource exhaustion is the heap). */
    private boolean isStatementLimit(PolyglotException e) {
        return statementLimit > 0 && e.getMessage() != null && e.getMessage().contains("Statement count limit");
    }

    /**
     * A Java exception thrown through a script: a command's error is its one line; anything else is a bug in qsh's
     * JavaScript API, said so (never a bare "null" or "Cannot invoke ...").
     */
    private static String hostMessage(Throwable h) {
        return ErrorLine.isUsers(h) && h.getMessage() != null ? h.getMessage() : ErrorLine.internal(h);
    }

    private static final java.util.regex.Pattern HOST_CALL = java.util.regex.Pattern.compile(
            "TypeError: invokeMember \\((\\w+)\\) on [\\w.]*?(\\w+)(?:@\\w+)? failed due to: (.*)", java.util.regex.Pattern.DOTALL);

    /**
     * GraalJS's text for a call to a qsh function with arguments no form of it takes ("invokeMember (fromArray) on
     * qsh.commands.js.QshApi failed due to: no applicable overload found (overloads: [Method[public ...") said in
     * JavaScript terms; other messages unchanged.
     */
    static String guestMessage(String m) {
        if (m == null) {
            return "error";
        }
        java.util.regex.Matcher x = HOST_CALL.matcher(m);
        if (!x.matches()) {
            return m;
        }
        String owner = switch (x.group(2)) {
            case "QshApi" -> "qsh";
            case "JsTensor" -> "tensor";
            case "JsModel" -> "model";
            case "GraphBuilder" -> "graph";
            default -> x.group(2);
        };
        String why = x.group(3);
        String fn = owner + "." + x.group(1);
        if (why.startsWith("Unknown identifier")) {
            return "TypeError: " + fn + " is not a function";
        }
        // "Cannot convert '2.5'(language: Java, type: java.lang.Double) to Java type 'java.lang.String'": an
        // argument of the wrong type to a one-form function (found by JsApiFuzzer), said without Java's type names
        if (why.startsWith("no applicable overload") || why.startsWith("Arity error") || why.startsWith("Cannot convert")) {
            return "TypeError: " + fn + " does not take these arguments (a null, or a value of the wrong type?): see help js";
        }
        return "TypeError: " + fn + ": " + why.lines().findFirst().orElse(why);
    }

    /** Where in the user's code the error happened (the innermost guest frame with a location). */
    private static SourceSection location(PolyglotException e) {
        if (e.getSourceLocation() != null && !e.getSourceLocation().getSource().getName().equals("qsh-prelude")) {
            return e.getSourceLocation();
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            SourceSection s = f.getSourceLocation();
            if (f.isGuestFrame() && s != null && !s.getSource().getName().equals("qsh-prelude")) {
                return s;
            }
        }
        return null;
    }

    /** The value as a REPL shows it (nothing for undefined), with its JSON form as the result's data. */
    private Result show(Value v) {
        if (v == null || v.isNull() && v.toString().equals("undefined")
                || v.isHostObject() && v.asHostObject() == null) { // a void qsh function (qsh.exec) gives host null
            return Result.EMPTY;
        }
        String text;
        Object data;
        if (v.isHostObject()) {
            text = String.valueOf((Object) v.asHostObject()); // a void host call gives null (not a char[])
            data = text;
        } else if (v.isString()) {
            text = v.asString();
            data = text;
        } else if (v.isNumber() || v.isBoolean() || v.isNull()) {
            text = v.toString();
            data = toJava(v);
        } else {
            String j = v.canExecute() ? null : jsonOf(v);
            text = j == null ? v.toString() : j;
            data = j == null ? text : toJava(v);
        }
        if (text.length() > 4000) {
            text = text.substring(0, 4000) + " … (" + text.length() + " characters)";
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", data);
        return Result.of(m, List.of(text));
    }

    /** JSON text of a JS value (typed arrays as arrays), or null when JSON has no form for it. */
    String jsonOf(Value v) {
        Value s = json.execute(v);
        return s.isString() ? s.asString() : null;
    }

    /** A JS value as plain Java data (maps, lists, numbers, strings, booleans, null). */
    Object toJava(Value v) {
        String s = jsonOf(v);
        try {
            return s == null ? null : JSON.readValue(s, Object.class);
        } catch (JsonProcessingException e) {
            throw new CommandException("cannot convert a JavaScript value: " + e.getOriginalMessage());
        }
    }

    /** Plain Java data (a command's result data: maps, lists, arrays, records) as real JS objects and arrays. */
    Value toJs(Object data) {
        try {
            return parse.execute(JSON.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new CommandException("cannot convert to JavaScript: " + e.getOriginalMessage());
        }
    }

    /** Throws a JavaScript Error with {@code message} into the running script (catchable there). */
    RuntimeException fail(String message) {
        fail.execute(message);
        return new IllegalStateException("unreachable");
    }

    /** Interrupts from another thread (Ctrl-C); after 2 s without effect the context is closed hard. */
    void interruptFromOtherThread() {
        Thread t = new Thread(() -> {
            try {
                context.interrupt(Duration.ofSeconds(2));
            } catch (TimeoutException e) {
                closed = true;
                try {
                    context.close(true);
                } catch (RuntimeException ignored) {
                    // already closing: nothing more to stop
                }
            } catch (RuntimeException ignored) {
                // the context finished or closed meanwhile
            }
        }, "qsh-js-interrupt");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            context.close(true);
        } catch (RuntimeException ignored) {
            // closing a context that is already closed
        }
    }

    /** GraalJS's version and mode, for {@code version}. */
    static String describe(JsRuntime r) {
        Engine e = r == null ? null : engine();
        String mode;
        if (e != null) {
            mode = e.getImplementationName().equalsIgnoreCase("Interpreted") ? "interpreted (no JIT compiler for JavaScript on this JVM)"
                    : "compiled (" + e.getImplementationName() + ")";
            return "GraalJS " + e.getLanguages().get("js").getVersion() + ", " + mode;
        }
        boolean jvmci = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+EnableJVMCI");
        return "GraalJS, not started yet (the first js builds the context); will run "
                + (jvmci ? "compiled if the Graal compiler is on the module path" : "interpreted (no JVMCI on this JVM)");
    }

    /** Collects script output into lines for the shell's sink (commands never print themselves). */
    private static final class LineSink extends OutputStream {
        private final Evaluator interpreter;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        LineSink(Evaluator interpreter) {
            this.interpreter = interpreter;
        }

        @Override
        public synchronized void write(int b) {
            buf.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (buf.size() > 0) {
                String s = buf.toString(StandardCharsets.UTF_8);
                buf.reset();
                interpreter.sink().print(s);
            }
        }
    }
}

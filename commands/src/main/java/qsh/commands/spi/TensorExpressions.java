package qsh.commands.spi;

import java.util.ArrayList;
import java.util.List;
import qsh.core.tensor.Tensor;

/**
 * Turns the words after {@code let NAME =} (or a tensor argument) into a tensor: a literal
 * {@code [-1.8, -1.0, 0, 0.5]} (nested brackets give the shape), a session tensor name, or a seeded
 * generator {@code normal|uniform|longtail|perchannel SHAPE [--seed N] ...}.
 */
public final class TensorExpressions {
    private TensorExpressions() {}

    /** The generator words. */
    public static final List<String> GENERATORS = List.of("normal", "uniform", "longtail", "perchannel");

    /** Resolves a single word: a literal or a session tensor name. */
    public static Tensor resolve(String word, Session session) {
        if (word.startsWith("[")) {
            return parseLiteral(word);
        }
        return session.tensor(word).tensor();
    }

    /** Parses a bracketed literal; rejects ragged nesting, non-numbers, NaN/Inf, empty tensors. */
    public static Tensor parseLiteral(String text) {
        Parser p = new Parser(text);
        List<Integer> shape = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        p.skipSpace();
        p.list(0, shape, values);
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new CommandException("unexpected '" + text.substring(p.pos) + "' after the literal");
        }
        if (values.isEmpty()) {
            throw new CommandException("empty tensor: a literal needs at least one number, e.g. [1, 2, 3]");
        }
        float[] d = new float[values.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = values.get(i);
        }
        return Tensor.of(shape.stream().mapToInt(Integer::intValue).toArray(), d);
    }

    /** Parses a shape word {@code 8x27}, {@code 1000} or {@code [8,27]}; refuses absurd sizes. */
    public static int[] parseShape(String word) {
        String w = word.replace("[", "").replace("]", "").trim();
        String[] parts = w.split("[x,×]");
        int[] s = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                s[i] = Integer.parseInt(parts[i].trim());
                if (s[i] <= 0) {
                    throw new CommandException("shape '" + word + "' has a dimension ≤ 0");
                }
            }
        } catch (NumberFormatException e) {
            throw new CommandException("'" + word + "' is not a shape: write it like 8x27 or 1000");
        }
        long n = 1;
        for (int d : s) {
            n *= d;
            if (n > 64L << 20) {
                throw new CommandException("shape '" + word + "' is too large for a session tensor (more than 64 M values)");
            }
        }
        return s;
    }

    private static final class Parser {
        final String s;
        int pos;
        int leafDepth = -1;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        /** Parses one bracketed list at nesting {@code depth}, recording the dimension length. */
        void list(int depth, List<Integer> shape, List<Float> values) {
            expect('[');
            int count = 0;
            skipSpace();
            if (peek() == ']') {
                pos++;
                record(depth, 0, shape);
                return;
            }
            while (true) {
                skipSpace();
                if (peek() == '[') {
                    if (leafDepth == depth) {
                        throw new CommandException("ragged literal: mixes numbers and lists at the same level");
                    }
                    list(depth + 1, shape, values);
                } else {
                    if (leafDepth == -1) {
                        leafDepth = depth;
                    } else if (leafDepth != depth) {
                        throw new CommandException("ragged literal: numbers at different nesting depths");
                    }
                    values.add(number());
                }
                count++;
                skipSpace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    break;
                } else {
                    throw new CommandException("expected ',' or ']' at column " + (pos + 1) + " of the literal");
                }
            }
            record(depth, count, shape);
        }

        void record(int depth, int count, List<Integer> shape) {
            while (shape.size() <= depth) {
                shape.add(null);
            }
            if (shape.get(depth) == null) {
                shape.set(depth, count);
            } else if (shape.get(depth) != count) {
                throw new CommandException("ragged literal: a list of " + count + " where " + shape.get(depth) + " was expected");
            }
        }

        float number() {
            int start = pos;
            while (pos < s.length() && ",] \t".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            String w = s.substring(start, pos);
            float f;
            try {
                f = Float.parseFloat(w);
            } catch (NumberFormatException e) {
                throw new CommandException("'" + w + "' in the literal is not a number");
            }
            if (!Float.isFinite(f)) {
                throw new CommandException("'" + w + "' in the literal is not finite: NaN and Inf cannot be quantized");
            }
            return f;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void expect(char c) {
            if (peek() != c) {
                throw new CommandException("expected '" + c + "' at column " + (pos + 1) + " of the literal");
            }
            pos++;
        }
    }
}

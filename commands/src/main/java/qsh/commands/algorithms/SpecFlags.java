package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;

/** The spec's qairt-quantizer spellings that plain option parsing does not cover: aliases and qualifier words. */
final class SpecFlags {
    private SpecFlags() {}

    /**
     * The value of {@code name} or of its spec alias {@code alias} (e.g. --input_network / --input_dlc); both is an
     * error, neither asks for {@code name}. A {@code .dlc} file is refused: qsh reads and writes ONNX.
     */
    static String either(Args args, String name, String alias, String placeholder) {
        Optional<String> a = args.get(name);
        Optional<String> b = args.get(alias);
        if (a.isPresent() && b.isPresent()) {
            throw new CommandException("--" + name + " and --" + alias + " are the same flag: give one");
        }
        String value = a.or(() -> b).orElseThrow(() -> new CommandException("give --" + name + " " + placeholder));
        if (value.toLowerCase(java.util.Locale.ROOT).endsWith(".dlc")) {
            String flag = a.isPresent() ? name : alias;
            throw new CommandException("--" + flag + " " + value + ": qsh " + (name.startsWith("input")
                    ? "reads ONNX models, not DLC: give the ONNX model the DLC was converted from"
                    : "writes ONNX QDQ models, not DLC: give a .onnx name"));
        }
        return value;
    }

    /**
     * Spec, "Enhanced": the quantizer "can be enabled independently for weights and activations by appending
     * either 'weights' or 'activations' after the option": {@code --param_quantizer MODE weights} and
     * {@code --act_quantizer MODE activations} are taken; any other positional word is the usual error.
     */
    static void checkQualifierWords(Args args, CommandSpec spec) {
        List<String> rest = new ArrayList<>(args.positional());
        qualifier(args, rest, "param_quantizer", "weights", "act_quantizer", "activations");
        qualifier(args, rest, "act_quantizer", "activations", "param_quantizer", "weights");
        if (!rest.isEmpty()) {
            throw new CommandException(spec.name() + ": unexpected argument '" + rest.get(0) + "' (usage: "
                    + spec.synopsis() + ")");
        }
    }

    private static void qualifier(Args args, List<String> rest, String option, String word, String otherOption,
                                  String otherWord) {
        Optional<String> after = args.wordAfter(option);
        if (after.isEmpty() || !args.has(option)) {
            return;
        }
        if (after.get().equals(word)) {
            rest.remove(word);
        } else if (after.get().equals(otherWord)) {
            throw new CommandException("--" + option + " sets the quantizer of the " + word + ", so '" + otherWord
                    + "' after it contradicts it: write --" + otherOption + " " + args.get(option).get() + " " + otherWord);
        }
    }
}

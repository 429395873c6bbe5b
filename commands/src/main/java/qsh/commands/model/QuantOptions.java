package qsh.commands.model;

import java.util.List;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Session;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.QuantMode;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;

/** The quantizer flags shared by {@code calibrate} and batch {@code quantize} (spec, "qairt-quantizer"). */
public final class QuantOptions {
    public static final List<OptionSpec> SPECS = List.of(
            OptionSpec.choice("act-bw", "activation bitwidth", "8", "16").defaults(8),
            OptionSpec.choice("weight-bw", "weight bitwidth", "4", "8", "16").defaults(8),
            OptionSpec.choice("bias-bw", "bias bitwidth: 8 (own encoding, the spec's) or 32 (input×weight scale)", "8", "32").defaults(8),
            OptionSpec.choice("float-bw", "bitwidth of float tensors (16 for FP16)", "16", "32").defaults(32),
            OptionSpec.choice("float-bias-bw", "bias bitwidth of float ops without a bias encoding", "16", "32"),
            OptionSpec.choice("act-quantizer", "activation encoder; enhanced and percentile build histograms"
                    + " of the 'bins' setting's count (" + EncoderOptions.DEFAULT_BINS + " by default, and in qsh quantize)", QuantMode.idArray()).defaults("tf"),
            OptionSpec.choice("param-quantizer", "weight encoder (default tf; symmetric with --per-channel)", QuantMode.idArray()),
            OptionSpec.flag("per-channel", "per-output-channel symmetric weights for Conv, ConvTranspose and depthwise"),
            OptionSpec.flag("per-row", "per-row weights (one encoding per output) for FullyConnected (Gemm) and MatMul"
                    + " with a constant 2-D weight"),
            OptionSpec.flag("disable-batchnorm-folding", "keep BatchNormalization as its own quantized op (QNN's converters fold"
                    + " it into the Conv/ConvTranspose/Gemm before it by default)"));

    private QuantOptions() {}

    /** The same flags under the spec's qairt-quantizer names (--act_bw, --use_per_channel_quantization, …). */
    public static final List<OptionSpec> SPEC_NAMED = SPECS.stream().map(o -> o.named(specName(o.name()))).toList();

    /** act-bw → act_bw; per-channel → use_per_channel_quantization; per-row → use_per_row_quantization. */
    static String specName(String shellName) {
        return shellName.startsWith("per-") ? "use_" + shellName.replace('-', '_') + "_quantization"
                : shellName.replace('-', '_');
    }

    /** The config the flags describe, with the session's encoder options (set min-range, rounding, …). */
    public static QuantConfig config(Args args, Session session) {
        return config(args, session, false);
    }

    /** As {@link #config(Args, Session)}; {@code specNames} reads the qairt-quantizer spellings. */
    public static QuantConfig config(Args args, Session session, boolean specNames) {
        java.util.function.UnaryOperator<String> n = specNames ? QuantOptions::specName : s -> s;
        boolean perChannel = args.has(n.apply("per-channel"));
        try {
            QuantMode param = QuantMode.parse(args.get(n.apply("param-quantizer")).orElse(perChannel ? "symmetric" : "tf"));
            QuantMode act = QuantMode.parse(args.getOrDefault(n.apply("act-quantizer")));
            return new QuantConfig(args.getInt(n.apply("act-bw")), args.getInt(n.apply("weight-bw")),
                    args.getInt(n.apply("bias-bw")), args.getInt(n.apply("float-bw")),
                    args.getInt(n.apply("float-bias-bw"), 0), param, act, perChannel, args.has(n.apply("per-row")), session.settings().encoderOptions());
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** The converter options the flags describe: batch norms folded unless --disable-batchnorm-folding. */
    public static ModelQuantizer.Converter converter(Args args, boolean specNames) {
        String flag = specNames ? specName("disable-batchnorm-folding") : "disable-batchnorm-folding";
        return args.has(flag) ? ModelQuantizer.Converter.AS_IS : ModelQuantizer.Converter.DEFAULTS;
    }
}

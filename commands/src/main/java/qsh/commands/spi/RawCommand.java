package qsh.commands.spi;


/**
 * A command that takes the rest of its line as it was typed (quotes, brackets, {@code ;} and {@code #} kept):
 * {@code js} hands source code to another language, which the shell's word splitting would mangle.
 */
public interface RawCommand extends Command {
    /** Runs the command on {@code text}, the line after the command word (may span several lines). */
    Result runRaw(String text, Session session);

    /** True while {@code text} is unfinished (an open bracket or string): the REPL and scripts read on. */
    default boolean isIncomplete(String text) {
        return false;
    }

    @Override
    default Result run(Args args, Session session) {
        return runRaw(String.join(" ", args.positional()), session);
    }
}

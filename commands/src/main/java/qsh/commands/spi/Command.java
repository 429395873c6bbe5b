package qsh.commands.spi;


/**
 * One shell command. Implementations validate everything before they change the session, so a failing
 * command leaves the session exactly as it was.
 */
public interface Command {
    /** The command's one spec. */
    CommandSpec spec();

    /** Runs the command; throws {@link CommandException} with one clear line on bad input. */
    Result run(Args args, Session session);
}

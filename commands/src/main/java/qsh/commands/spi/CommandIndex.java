package qsh.commands.spi;

import java.util.Collection;

/**
 * The commands by name, as a command about commands ({@code help}) reads them: {@code qsh.commands.CommandRegistry}
 * implements it, so the command needs no dependency on the registry that names every command.
 */
public interface CommandIndex {
    /** The command named {@code name}; an unambiguous prefix also works; else a one-line error with a suggestion. */
    Command get(String name);

    /** All commands in registration order. */
    Collection<Command> all();
}

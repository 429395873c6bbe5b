package qsh.shell;

/** qsh entry point (placeholder until the REPL lands). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("qsh 0.1.0");
    }
}

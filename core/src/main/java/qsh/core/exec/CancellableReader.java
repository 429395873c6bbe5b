package qsh.core.exec;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;

/**
 * A reader that stops with {@link Cancelled} when its thread is interrupted (Ctrl-C). Parsers (Jackson's JSON and
 * YAML readers) pull their input through it in chunks of at most {@value #CHUNK} characters, so a parse of any size
 * notices a cancel within one chunk's work, far below a second (issue 18.6), instead of running to its end.
 */
public final class CancellableReader extends Reader {
    /** The most characters handed out per read: the longest stretch of parsing between two checks. */
    static final int CHUNK = 16 * 1024;

    private final Reader in;
    private final String what;
    private long delivered;

    /** Reads {@code in}; {@code what} names the work in the cancel message ("reading encodings.json"). */
    public CancellableReader(Reader in, String what) {
        this.in = in;
        this.what = what;
    }

    /** A cancellable reader of {@code text}. */
    public static CancellableReader of(String text, String what) {
        return new CancellableReader(new StringReader(text), what);
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (Cancelled.requested()) {
            throw new Cancelled(what + " interrupted after " + delivered + " characters");
        }
        int n = in.read(buf, off, Math.min(len, CHUNK));
        if (n > 0) {
            delivered += n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

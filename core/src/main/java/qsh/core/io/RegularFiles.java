package qsh.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;

/**
 * Reads data files the user names (input lists, raw tensors, label files) with a size limit, and only when they are
 * regular files: a FIFO would block the read forever and {@code /dev/zero} would fill the heap, so both are refused
 * before they are opened. Every failure is one line naming the file.
 */
public final class RegularFiles {
    /** The largest text file (input list, labels) qsh reads: far above any real list, far below the heap. */
    public static final long MAX_TEXT_BYTES = 64L << 20;
    /** Bytes read or decoded between two checks for Ctrl-C. */
    private static final int PIECE = 1 << 20;

    private RegularFiles() {}

    /**
     * The path as messages show it: control characters escaped (\n, \t, \r, else \\uXXXX), so a name with line
     * breaks stays one line of the message (JsApiFuzzer found a file name whose lines read like a Java exception's).
     */
    static String shown(Path file) {
        String name = file.toString();
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * Checks that {@code file} (links followed) is an existing regular file of at most {@code maxBytes} bytes;
     * returns its size. {@code what} names the file's role in messages ("input list").
     */
    public static long check(Path file, String what, long maxBytes) {
        FileAccessPolicy.requireRead(file);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(shown(file) + ": cannot read the " + what + " (no such file): check the path");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(shown(file) + ": is a folder; the " + what + " must be a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(shown(file) + ": not a regular file (a device, FIFO or socket); the " + what
                    + " must be a file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(shown(file) + ": cannot read the " + what + " (" + reason(e) + ")");
        }
        if (size > maxBytes) {
            throw new IllegalArgumentException(shown(file) + ": " + size + " bytes, more than the " + maxBytes
                    + " the " + what + " may have: is this the right file?");
        }
        return size;
    }

    /** The bytes of {@code file} after {@link #check}: at most {@code maxBytes}, even when the file grows meanwhile. */
    public static byte[] read(Path file, String what, long maxBytes) {
        long size = check(file, what, maxBytes);
        int cap = (int) Math.min(Integer.MAX_VALUE - 8L, maxBytes + 1);
        try (InputStream in = Files.newInputStream(file)) {
            // in pieces, with a check for Ctrl-C between them: a large file stops within one piece (issue 18.6)
            ByteArrayOutputStream all = new ByteArrayOutputStream((int) Math.min(cap, size + 1));
            byte[] piece = new byte[(int) Math.min(PIECE, cap)];
            while (all.size() < cap) {
                stopIfCancelled(file, all.size() + " bytes");
                int n = in.read(piece, 0, Math.min(piece.length, cap - all.size()));
                if (n < 0) {
                    break;
                }
                all.write(piece, 0, n);
            }
            if (all.size() > maxBytes) {
                throw new IllegalArgumentException(shown(file) + ": grew past " + maxBytes + " bytes while being read");
            }
            return all.toByteArray();
        } catch (ClosedByInterruptException e) { // Ctrl-C during a read: the channel closes itself
            throw new CancellationException("reading " + shown(file) + " interrupted");
        } catch (IOException e) {
            throw new IllegalArgumentException(shown(file) + ": cannot read the " + what + " (" + reason(e) + ")");
        }
    }

    /** The text of {@code file} (UTF-8, at most {@link #MAX_TEXT_BYTES}); invalid UTF-8 is an error naming the file. */
    public static String readText(Path file, String what) {
        return readText(file, what, MAX_TEXT_BYTES);
    }

    /** The text of {@code file} (UTF-8, at most {@code maxBytes}); invalid UTF-8 is an error naming the file. */
    public static String readText(Path file, String what, long maxBytes) {
        byte[] b = read(file, what, maxBytes);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length); // UTF-8 never has more chars than bytes
        while (true) { // in pieces, like the read: a character split between two pieces waits for the next
            stopIfCancelled(file, "decoding " + in.position() + " bytes");
            in.limit((int) Math.min(b.length, (long) in.position() + PIECE));
            boolean last = in.limit() == b.length;
            if (utf8.decode(in, out, last).isError() || last && utf8.flush(out).isError()) {
                throw new IllegalArgumentException(shown(file) + ": the " + what + " is not UTF-8 text: is this the right file?");
            }
            if (last) {
                return out.flip().toString();
            }
        }
    }

    /**
     * Ctrl-C (the thread's interrupt flag) between two pieces: the JDK's CancellationException, since this package
     * sits below qsh.core.exec and its Cancelled; the command layer reports either as the one line of a stop.
     */
    private static void stopIfCancelled(Path file, String done) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("reading " + shown(file) + " interrupted after " + done);
        }
    }

    /** What went wrong, in words a user can act on (no Java class names). */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "a folder that is not empty is in the way";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? "I/O error" : e.getMessage();
    }
}

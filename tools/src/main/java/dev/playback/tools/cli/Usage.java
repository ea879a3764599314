package dev.playback.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the {@code playback} command line answers bad usage and failures: a message naming the option or argument at
 * fault and exit code 2, or the failure and exit code 1; a stack trace only for what is not the user's doing.
 */
public final class Usage {
    /** Exit code of a command that did what it was asked. */
    public static final int OK = 0;
    /** Exit code of a command that ran and failed: a replay failed, a check found drift, a port was busy. */
    public static final int FAILED = 1;
    /** Exit code of bad usage: an unknown option, a bad value, a missing argument. */
    public static final int BAD_USAGE = 2;

    /** The exit codes, in order, as the usage footer of every command lists them. */
    public static final Map<String, String> EXIT_CODES = exitCodeList();

    private static Map<String, String> exitCodeList() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(" 0", "done");
        codes.put(" 1", "failed (e.g. a replay failed, a check found drift, the port is busy)");
        codes.put(" 2", "bad usage (the message names the option or argument at fault)");
        return Collections.unmodifiableMap(codes);
    }

    private Usage() {
    }

    /** Bad usage found after parsing: {@code message} names the option (and the allowed values); exits 2. */
    public static ParameterException error(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Applies the exit codes footer, the error handlers and the parsing settings to {@code root} and all its subcommands. */
    public static CommandLine configure(CommandLine root) {
        root.setExpandAtFiles(false)   // '--input @FILE' is the commands' own syntax, not an argument file
                .setParameterExceptionHandler(Usage::badUsage)
                .setExecutionExceptionHandler(Usage::failed)
                .registerConverter(Integer.class, Usage::wholeNumber)
                .registerConverter(int.class, Usage::wholeNumber);
        everywhere(root, root.getCommandSpec().versionProvider());
        return root;
    }

    /** Every command lists the exit codes and answers {@code --version} as the root does. */
    private static void everywhere(CommandLine c, CommandLine.IVersionProvider version) {
        c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        c.getCommandSpec().versionProvider(version);
        c.getSubcommands().values().forEach(sub -> everywhere(sub, version));
    }

    static Integer wholeNumber(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
        }
    }

    private static int badUsage(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        if (!c.getSubcommands().isEmpty() && c.getParseResult() != null && !c.getParseResult().hasSubcommand()) {
            c.usage(err);   // a command of commands given none: which there are
            err.flush();
            return BAD_USAGE;
        }
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return BAD_USAGE;
    }

    private static int failed(Exception e, CommandLine c, CommandLine.ParseResult parsed) {
        PrintWriter err = c.getErr();
        String command = c.getCommandSpec().qualifiedName();
        if (e instanceof PortInUse busy) {
            err.println(command + ": " + busy.getMessage());
            err.flush();
            return FAILED;
        }
        if (e instanceof IllegalArgumentException) {   // UsageException and the domain's refusals of an input
            err.println(command + ": " + e.getMessage());
            err.println("See '" + command + " --help'.");
            err.flush();
            return BAD_USAGE;
        }
        if (unreachable(e)) {   // a wrong URL, a stopped stack, no network: the user's to fix, not a bug
            err.println(command + ": failed: " + causes(e));
            err.flush();
            return FAILED;
        }
        err.println(command + ": failed: " + e);
        e.printStackTrace(err);
        err.flush();
        return FAILED;
    }

    /** Whether {@code e} comes from a connection that could not be made or broke (I/O, or the SDK's client side). */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                    || t instanceof software.amazon.awssdk.core.exception.SdkClientException) {
                return true;
            }
        }
        return false;
    }

    /** Each message of the cause chain once, a cause without one by its type: {@code GET … failed: ConnectException}. */
    static String causes(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null || t.getMessage().equals("null") ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) >= 0) continue;
            if (b.length() > 0) b.append(": ");
            b.append(m);
        }
        return b.toString();
    }

    /** A TCP port that another process holds; the command fails (exit 1) naming it. */
    public static final class PortInUse extends RuntimeException {
        public PortInUse(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A port number: 0 to 65535 (0: a free one). */
    public static final class PortNumber implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port;
            try {
                port = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("the port must be a number from 0 to 65535 (0: a free one), not '" + value + "'");
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("the port must be a number from 0 to 65535 (0: a free one), not " + port);
            }
            return port;
        }
    }
}

package io.authservice.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation as a newcomer follows it: every link in README.md and docs/ resolves inside the
 * repository (files and #anchors), no link or path leads outside it, every repository path the text
 * names exists, and every reference to a README section (README, then the quoted heading) in the
 * sources names a section that exists.
 */
class DocsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_PATH =
            Pattern.compile(
                    "`((?:\\.\\./|\\./)?(?:src|deploy|bench|docs|\\.ci)/[A-Za-z0-9_./{}-]*|pom\\.xml|mvnw|README\\.md)`");
    private static final Pattern SECTION_REFERENCE = Pattern.compile("README, \"([^\"]+)\"");
    private static final Pattern FENCED_BLOCK =
            Pattern.compile("(?ms)^```([A-Za-z0-9_+-]*)[^\\n]*\\n(.*?)^```[ \\t]*$");

    /**
     * Fenced blocks with these tags show a command's output or a protocol exchange, not code or
     * configuration.
     */
    private static final Set<String> OUTPUT_SAMPLES = Set.of("text", "http", "shell");

    @Test
    void linksAndPathsResolveInsideTheRepository() throws IOException {
        List<String> errors = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            String where = ROOT.relativize(doc).toString();
            assertTrue(
                    !text.contains("../shared") && !text.contains("/work/"),
                    where + " names a place outside the repository");
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z]+:.*")) {
                    errors.add(where + ": a link outside the repository: " + target);
                    continue;
                }
                String file =
                        target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor =
                        target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    errors.add(where + ": " + target + " does not resolve inside the repository");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    errors.add(
                            where + ": no section #" + anchor + " in " + ROOT.relativize(resolved));
                }
            }
            Matcher path = CODE_PATH.matcher(text);
            while (path.find()) {
                String named = path.group(1).replaceAll("[{].*$", "");
                Path resolved = ROOT.resolve(named).normalize();
                if (named.startsWith("../")
                        || !resolved.startsWith(ROOT)
                        || !Files.exists(resolved)) {
                    errors.add(
                            where + ": `" + path.group(1) + "` does not exist in the repository");
                }
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void sectionReferencesNameExistingSections() throws IOException {
        Set<String> headings = headings(ROOT.resolve("README.md"));
        List<String> errors = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file :
                    files.filter(Files::isRegularFile)
                            .filter(
                                    f ->
                                            !f.startsWith(ROOT.resolve("target"))
                                                    && !f.startsWith(ROOT.resolve(".git")))
                            .filter(
                                    f ->
                                            f.toString()
                                                            .matches(
                                                                    ".*\\.(ya?ml|java|properties|sh|md)$")
                                                    || f.startsWith(ROOT.resolve(".ci")))
                            .toList()) {
                Matcher reference = SECTION_REFERENCE.matcher(Files.readString(file));
                while (reference.find()) {
                    if (!headings.contains(reference.group(1))) {
                        errors.add(
                                ROOT.relativize(file)
                                        + ": README has no section \""
                                        + reference.group(1)
                                        + "\"");
                    }
                }
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void theContractIsInTheRepositoryAndLinked() throws IOException {
        assertTrue(Files.isRegularFile(ROOT.resolve("docs/API.md")));
        assertTrue(
                Files.readString(ROOT.resolve("README.md")).contains("](docs/API.md)"),
                "README links docs/API.md");
    }

    /**
     * "Every snippet in docs/ is one a test or a script in the repository runs": each code or
     * configuration block of docs/verifying-tokens.md (and of docs/jwt.md) appears, line for line,
     * in a file under docs/examples/, whose examples docs/examples/run.sh runs against the service.
     * Blocks tagged text, http or shell are output samples and commands, not checked.
     */
    @Test
    void theResourceServerDocsShowOnlyCodeThatTheExamplesRun() throws IOException {
        List<String> examples = new ArrayList<>();
        Path dir = ROOT.resolve("docs/examples");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file :
                    files.filter(Files::isRegularFile)
                            .filter(
                                    f ->
                                            !dir.relativize(f)
                                                    .toString()
                                                    .matches("(.*/)?(target|node_modules)/.*"))
                            .toList()) {
                examples.add("\n" + Files.readString(file));
            }
        }
        List<String> errors = new ArrayList<>();
        for (String doc : List.of("docs/verifying-tokens.md", "docs/jwt.md")) {
            int checked = 0;
            Matcher block = FENCED_BLOCK.matcher(Files.readString(ROOT.resolve(doc)));
            while (block.find()) {
                if (OUTPUT_SAMPLES.contains(block.group(1))) {
                    continue;
                }
                checked++;
                String code = "\n" + block.group(2);
                if (examples.stream().noneMatch(example -> example.contains(code))) {
                    errors.add(
                            doc
                                    + ": a ```"
                                    + block.group(1)
                                    + " block is in no file under docs/examples/, it begins: "
                                    + block.group(2).lines().findFirst().orElse(""));
                }
            }
            assertTrue(
                    checked >= 2,
                    doc + " has only " + checked + " code blocks; the pattern is wrong");
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(documents::add);
        }
        return documents;
    }

    private static Set<String> headings(Path markdown) throws IOException {
        Set<String> headings = new TreeSet<>();
        Matcher heading =
                Pattern.compile("(?m)^#{1,6} +(.+?) *$").matcher(Files.readString(markdown));
        while (heading.find()) {
            headings.add(heading.group(1));
        }
        return headings;
    }

    /** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens. */
    private static Set<String> anchors(Path markdown) throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String heading : headings(markdown)) {
            anchors.add(
                    heading.toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "")
                            .replace(' ', '-'));
        }
        return anchors;
    }
}

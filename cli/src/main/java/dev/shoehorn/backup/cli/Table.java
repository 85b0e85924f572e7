package dev.shoehorn.backup.cli;

import java.util.ArrayList;
import java.util.List;

import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Rows for people: on a terminal, aligned columns under a bold header; elsewhere, the same columns
 * separated by tabs, header first, so that {@code cut -f} and {@code awk -F'\t'} read them.
 */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(String... cells) {
        List<String> row = new ArrayList<>(header.size());
        for (String cell : cells) {
            row.add(cell == null ? "" : cell);
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(Console console) {
        if (!console.tty()) {
            console.line(String.join("\t", header));
            rows.forEach(row -> console.line(String.join("\t", row)));
            return;
        }
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], i < row.size() ? row.get(i).length() : 0);
            }
        }
        console.line(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(aligned(header, widths))
                .toAttributedString());
        rows.forEach(row -> console.line(aligned(row, widths)));
    }

    private static String aligned(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        return line.toString().stripTrailing();
    }
}

package config

import "strings"

// InjectHTMLTags inserts tags where they ask to go. "head" tags go before </head>, one per line, indented
// two spaces more than </head>, as Vite prints them.
func InjectHTMLTags(page string, tags []HTMLTag) string {
	groups := map[string][]string{}
	for _, t := range tags {
		to := t.InjectTo
		if to == "" {
			to = "head-prepend"
		}
		groups[to] = append(groups[to], RenderHTMLTag(t))
	}
	insertBefore := func(page, closing string, lines []string) string {
		if len(lines) == 0 {
			return page
		}
		lower := strings.ToLower(page)
		i := strings.LastIndex(lower, closing)
		if i < 0 {
			return page + strings.Join(lines, "\n") + "\n"
		}
		ls := strings.LastIndexByte(page[:i], '\n') + 1
		indent := page[ls:i]
		if strings.TrimSpace(indent) == "" {
			var sb strings.Builder
			for _, l := range lines {
				sb.WriteString(indent + "  " + l + "\n")
			}
			return page[:ls] + sb.String() + page[ls:]
		}
		return page[:i] + "  " + strings.Join(lines, "\n  ") + "\n" + page[i:]
	}
	insertAfter := func(page, opening string, lines []string) string {
		if len(lines) == 0 {
			return page
		}
		lower := strings.ToLower(page)
		i := strings.Index(lower, opening)
		if i < 0 {
			return strings.Join(lines, "\n") + "\n" + page
		}
		j := strings.IndexByte(page[i:], '>')
		if j < 0 {
			return page
		}
		at := i + j + 1
		return page[:at] + "\n    " + strings.Join(lines, "\n    ") + page[at:]
	}
	page = insertAfter(page, "<head", groups["head-prepend"])
	page = insertBefore(page, "</head>", groups["head"])
	page = insertAfter(page, "<body", groups["body-prepend"])
	page = insertBefore(page, "</body>", groups["body"])
	return page
}

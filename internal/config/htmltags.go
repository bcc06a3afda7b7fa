package config

import "strings"

// InjectHTMLTags inserts tags where they ask to go. "head" tags go before </head>, one per line, indented
// two spaces more than </head>, as Vite prints them; a page without <head> or <body> gets them where
// Vite puts them then (before <body>, after <html> or the doctype, before </html>).
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
		i := strings.LastIndex(strings.ToLower(page), closing) // the callers check that it is there
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
		i := strings.Index(strings.ToLower(page), opening) // the callers check that it is there
		j := strings.IndexByte(page[i:], '>')
		if j < 0 {
			return page
		}
		at := i + j + 1
		return page[:at] + "\n    " + strings.Join(lines, "\n    ") + page[at:]
	}
	has := func(page, s string) bool { return strings.Contains(strings.ToLower(page), s) }
	// prependFallback is where tags go when the page lacks the element they ask for (Vite's
	// prependInjectFallback): after <html>, else after the doctype, else at the start.
	prependFallback := func(page string, lines []string) string {
		for _, opening := range []string{"<html", "<!doctype"} {
			i := strings.Index(strings.ToLower(page), opening)
			if i < 0 {
				continue
			}
			if j := strings.IndexByte(page[i:], '>'); j >= 0 {
				at := i + j + 1
				return page[:at] + "\n" + strings.Join(lines, "\n") + page[at:]
			}
		}
		return strings.Join(lines, "\n") + "\n" + page
	}
	// Vite's injectToHead and injectToBody, with their fallbacks for pages without <head> or <body>.
	if ls := groups["head-prepend"]; len(ls) > 0 {
		if has(page, "<head") {
			page = insertAfter(page, "<head", ls)
		} else {
			page = prependFallback(page, ls)
		}
	}
	if ls := groups["head"]; len(ls) > 0 {
		switch {
		case has(page, "</head>"):
			page = insertBefore(page, "</head>", ls)
		case has(page, "<body"):
			i := strings.Index(strings.ToLower(page), "<body")
			page = page[:i] + strings.Join(ls, "\n") + "\n" + page[i:]
		default:
			page = prependFallback(page, ls)
		}
	}
	if ls := groups["body-prepend"]; len(ls) > 0 {
		switch {
		case has(page, "<body"):
			page = insertAfter(page, "<body", ls)
		case has(page, "</head>"):
			i := strings.Index(strings.ToLower(page), "</head>") + len("</head>")
			page = page[:i] + "\n" + strings.Join(ls, "\n") + page[i:]
		default:
			page = prependFallback(page, ls)
		}
	}
	if ls := groups["body"]; len(ls) > 0 {
		switch {
		case has(page, "</body>"):
			page = insertBefore(page, "</body>", ls)
		case has(page, "</html>"):
			page = insertBefore(page, "</html>", ls)
		default:
			page = strings.TrimSuffix(page, "\n") + "\n" + strings.Join(ls, "\n") + "\n"
		}
	}
	return page
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/walros/walros/core/naming"
)

func parseNameCommand() *cobra.Command {
	var hint string
	cmd := &cobra.Command{
		Use:   "parse-name [PATH...]",
		Short: "Print how Walros reads file names, one JSON object per line",
		Long: `Print the name parser's verdict for each path (type movie|episode|extra|unknown, title, year, season,
episode, episodes, absolute, date, part, edition, resolution, ...) as one JSON object per line, in the
order given. With no PATH, paths are read from standard input, one per line, so large lists of real
release names can be measured: walros parse-name < names.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var h naming.Hint
			switch hint {
			case "", "none", "mixed":
			case "movies", "movie":
				h = naming.HintMovie
			case "shows", "show", "episode":
				h = naming.HintEpisode
			default:
				return fmt.Errorf("--library-type %q: want movies, shows or mixed", hint)
			}
			return parseNames(cmd.InOrStdin(), cmd.OutOrStdout(), args, h)
		},
	}
	cmd.Flags().StringVar(&hint, "library-type", "", "read names as a movies, shows or mixed library would")
	return cmd
}

type parsed struct {
	Path string `json:"path"`
	naming.Result
}

func parseNames(in io.Reader, out io.Writer, args []string, h naming.Hint) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	emit := func(p string) error { return enc.Encode(parsed{Path: p, Result: naming.ParseWithHint(p, h)}) }
	for _, a := range args {
		if err := emit(a); err != nil {
			return err
		}
	}
	if len(args) == 0 {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); line != "" {
				if err := emit(line); err != nil {
					return err
				}
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read paths: %w", err)
		}
	}
	return w.Flush()
}

package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
)

func userCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users"}
	var (
		password string
		admin    bool
	)
	add := &cobra.Command{
		Use:   "add NAME --password PASS [--admin]",
		Short: "Add a user",
		Long:  "Add a user to the data directory's database; works whether or not a server is running on it.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openCommandApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := a.users.Create(cmd.Context(), operator, core.NewUser{Username: args[0], Password: password,
				Admin: admin, AllLibraries: true})
			if err != nil {
				return fmt.Errorf("add user %q: %w", args[0], err)
			}
			role := "user"
			if u.Admin {
				role = "admin"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added %s %q (%s)\n", role, u.Username, u.ID)
			return nil
		},
	}
	add.Flags().StringVar(&password, "password", "", "the user's password (at least 8 characters)")
	add.Flags().BoolVar(&admin, "admin", false, "make the user an administrator")
	add.MarkFlagRequired("password")
	config.DataFlags(add.Flags())
	cmd.AddCommand(add)
	return cmd
}

func libraryCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "library", Short: "Manage libraries"}
	var typ string
	add := &cobra.Command{
		Use:   "add NAME --type movies|shows|music|mixed PATH [PATH...]",
		Short: "Add a library of one or more folders",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			paths := make([]string, 0, len(args)-1)
			for _, p := range args[1:] {
				abs, err := filepath.Abs(p)
				if err != nil {
					return err
				}
				paths = append(paths, abs)
			}
			a, err := openCommandApp(cmd)
			if err != nil {
				return err
			}
			defer a.Close()
			l, err := a.libraries.Create(cmd.Context(), operator, core.NewLibrary{Name: args[0], Type: core.LibraryType(typ), Paths: paths})
			if err != nil {
				return fmt.Errorf("add library %q: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added %s library %q (%s)\n", l.Type, l.Name, l.ID)
			return nil
		},
	}
	add.Flags().StringVar(&typ, "type", "", "movies, shows, music or mixed")
	add.MarkFlagRequired("type")
	config.DataFlags(add.Flags())
	cmd.AddCommand(add)
	return cmd
}

func openCommandApp(cmd *cobra.Command) (*app, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	return openApp(cmd.Context(), cfg)
}

package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseDotenv(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []EnvVar
	}{
		{"plain", "A=1\nB=two words\n", []EnvVar{{"A", "1"}, {"B", "two words"}}},
		{"spaces around", "  A = 1  \n", []EnvVar{{"A", "1"}}},
		{"export", "export A=1\nexport\tB=2", []EnvVar{{"A", "1"}, {"B", "2"}}},
		{"colon form", "A: 1", []EnvVar{{"A", "1"}}},
		{"comments", "# c\nA=1 # trailing\nB=x#y\n#C=3", []EnvVar{{"A", "1"}, {"B", "x"}}},
		{"empty", "A=\nB=''\nC=\"\"", []EnvVar{{"A", ""}, {"B", ""}, {"C", ""}}},
		{"single quotes keep everything", `A='a # b \n $X'`, []EnvVar{{"A", `a # b \n $X`}}},
		{"double quotes expand newlines", `A="a\nb\rc"`, []EnvVar{{"A", "a\nb\rc"}}},
		{"backticks", "A=`it's \"q\"`", []EnvVar{{"A", `it's "q"`}}},
		{"quoted then comment", `A="x" # comment`, []EnvVar{{"A", "x"}}},
		{"multiline double quoted", "A=\"line1\nline2\"\nB=3", []EnvVar{{"A", "line1\nline2"}, {"B", "3"}}},
		{"multiline single quoted", "A='l1\nl2'\nB=3", []EnvVar{{"A", "l1\nl2"}, {"B", "3"}}},
		{"unterminated quote", "A=\"abc\nB=2", []EnvVar{{"A", `"abc`}, {"B", "2"}}},
		{"escaped quote inside", `A="a\"b"`, []EnvVar{{"A", `a\"b`}}},
		{"CRLF", "A=1\r\nB=2\r\n", []EnvVar{{"A", "1"}, {"B", "2"}}},
		{"keys with dots and dashes", "a.b-c=1", []EnvVar{{"a.b-c", "1"}}},
		{"not an assignment", "just text\nA=1", []EnvVar{{"A", "1"}}},
		{"equals in value", "A=b=c", []EnvVar{{"A", "b=c"}}},
		{"duplicates kept in order", "A=1\nA=2", []EnvVar{{"A", "1"}, {"A", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseDotenv(tt.src)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseDotenv(%q)\n got  %q\n want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestLoadEnv(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		mode     string
		prefixes []string
		osEnv    map[string]string
		want     map[string]string
		wantErr  string
	}{
		{
			name: "file priority",
			files: map[string]string{
				".env":                  "VITE_A=env\nVITE_B=env\nVITE_C=env\nVITE_D=env\nSECRET=1",
				".env.local":            "VITE_B=local\nVITE_C=local\nVITE_D=local",
				".env.production":       "VITE_C=mode\nVITE_D=mode",
				".env.production.local": "VITE_D=modelocal",
				".env.development":      "VITE_A=dev",
			},
			mode: "production",
			want: map[string]string{"VITE_A": "env", "VITE_B": "local", "VITE_C": "mode", "VITE_D": "modelocal"},
		},
		{
			name:  "process env wins and is exposed",
			files: map[string]string{".env": "VITE_A=file\nVITE_REF=$VITE_A"},
			mode:  "development",
			osEnv: map[string]string{"VITE_A": "process", "VITE_ONLY_PROCESS": "p", "OTHER": "x"},
			want:  map[string]string{"VITE_A": "process", "VITE_REF": "process", "VITE_ONLY_PROCESS": "p"},
		},
		{
			name: "expansion",
			files: map[string]string{".env": strings.Join([]string{
				"BASE=http://host",
				"VITE_URL=$BASE/api",
				"VITE_BRACED=${BASE}/x",
				"VITE_DEFAULT=${MISSING:-fallback}",
				"VITE_DEFAULT2=${MISSING-fb2}",
				"VITE_ALT=${BASE:+set}",
				"VITE_ALT_MISSING=${MISSING:+set}",
				"VITE_ESCAPED=price \\$5",
				"VITE_UNSET=a${NOPE}b",
				"VITE_NESTED_DEFAULT=${MISSING:-$BASE}",
				"VITE_LATER=$LATER",
				"LATER=later",
			}, "\n")},
			mode: "development",
			want: map[string]string{
				"VITE_URL": "http://host/api", "VITE_BRACED": "http://host/x", "VITE_DEFAULT": "fallback",
				"VITE_DEFAULT2": "fb2", "VITE_ALT": "set", "VITE_ALT_MISSING": "", "VITE_ESCAPED": "price $5",
				"VITE_UNSET": "ab", "VITE_NESTED_DEFAULT": "http://host", "VITE_LATER": "",
			},
		},
		{
			name:     "custom prefixes",
			files:    map[string]string{".env": "APP_A=1\nVITE_B=2\nPUBLIC_C=3"},
			mode:     "development",
			prefixes: []string{"APP_", "PUBLIC_"},
			want:     map[string]string{"APP_A": "1", "PUBLIC_C": "3"},
		},
		{name: "no files", mode: "production", want: map[string]string{}},
		{name: "local mode", mode: "local", wantErr: `"local" cannot be used as a mode name`},
		{name: "empty prefix", mode: "development", prefixes: []string{"VITE_", ""}, wantErr: "envPrefix contains an empty string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, tt.files)
			for k, v := range tt.osEnv {
				t.Setenv(k, v)
			}
			got, err := LoadEnv(tt.mode, dir, tt.prefixes)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Only compare the keys the test is about: the machine may have VITE_ variables of its own.
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			for k := range got {
				if _, ok := tt.want[k]; !ok && !strings.HasPrefix(k, "VITE_") {
					t.Errorf("unexpected variable %s", k)
				}
			}
			if _, leaked := got["SECRET"]; leaked {
				t.Error("SECRET leaked")
			}
		})
	}
}

func TestImportMetaEnv(t *testing.T) {
	rc := &ResolvedConfig{Base: "/app/", Mode: "staging", IsProduction: true, Env: map[string]string{"VITE_X": "1"}}
	got := ImportMetaEnv(rc, true)
	want := map[string]any{"BASE_URL": "/app/", "MODE": "staging", "DEV": false, "PROD": true, "SSR": true, "VITE_X": "1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

//go:build ignore

// icon_gen draws the app icon, assets/icon.png: a white shield with a
// check mark on a blue rounded square. Run: go run assets/icon_gen.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

const size = 512

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	// 4x4 supersampling for smooth edges.
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var bg, sh, ck float64
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					px, py := float64(x)+(float64(sx)+0.5)/4, float64(y)+(float64(sy)+0.5)/4
					if roundedSquare(px, py) {
						bg++
						if shield(px, py) {
							if check(px, py) {
								ck++
							} else {
								sh++
							}
						}
					}
				}
			}
			bg, sh, ck = bg/16, sh/16, ck/16
			if bg == 0 {
				continue
			}
			// Blend: background blue, shield white, check blue.
			r := (float64(blue.R)*(bg-sh) + float64(white.R)*sh) / bg
			g := (float64(blue.G)*(bg-sh) + float64(white.G)*sh) / bg
			b := (float64(blue.B)*(bg-sh) + float64(white.B)*sh) / bg
			img.SetNRGBA(x, y, color.NRGBA{uint8(r), uint8(g), uint8(b), uint8(255 * bg)})
			_ = ck
		}
	}
	f, err := os.Create("assets/icon.png")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		panic(err)
	}
}

func roundedSquare(x, y float64) bool {
	const m, r = 16.0, 96.0
	cx := math.Max(m+r, math.Min(size-m-r, x))
	cy := math.Max(m+r, math.Min(size-m-r, y))
	return x >= m && x <= size-m && y >= m && y <= size-m && (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

// shield: a flat top with rounded shoulders, sides that curve to a point.
func shield(x, y float64) bool {
	const top, bottom, half = 100.0, 430.0, 150.0
	if y < top || y > bottom {
		return false
	}
	t := (y - top) / (bottom - top)
	w := half
	if t > 0.45 {
		u := (t - 0.45) / 0.55
		w = half * math.Sqrt(math.Max(0, 1-u*u))
	}
	return math.Abs(x-size/2) <= w
}

// check: a thick check mark inside the shield.
func check(x, y float64) bool {
	return segment(x, y, 190, 265, 238, 318, 22) || segment(x, y, 238, 318, 330, 205, 22)
}

func segment(x, y, x1, y1, x2, y2, w float64) bool {
	dx, dy := x2-x1, y2-y1
	t := math.Max(0, math.Min(1, ((x-x1)*dx+(y-y1)*dy)/(dx*dx+dy*dy)))
	px, py := x1+t*dx-x, y1+t*dy-y
	return px*px+py*py <= w*w
}
